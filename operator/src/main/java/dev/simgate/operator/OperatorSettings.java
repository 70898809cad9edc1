package dev.simgate.operator;

import java.time.Clock;
import java.util.List;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.policy.PolicySettings;
import dev.simgate.operator.render.AgentImage;
import dev.simgate.operator.validation.AgentImagePolicy;

/**
 * Settings shared by the reconcilers.
 *
 * @param namespace namespace of the agent DaemonSets, ConfigMaps and RBAC (the operator's own namespace)
 * @param agentImage the agent image of GatePeers that name none
 * @param allowedImages agent images a GatePeer may name in spec.agent.image
 * @param clusterCidrs the cluster's pod and Service ranges as configured, in addition to those the operator reads from
 *     Nodes and ServiceCIDRs: nothing SimGate routes may overlap them
 * @param timing retries and periodic resync
 * @param limits bounds a user meets
 * @param policy the node policies: the steering VXLAN between the nodes, the nodes' underlay addresses
 */
public record OperatorSettings(String namespace, AgentImage agentImage, Clock clock, AgentImagePolicy allowedImages,
    List<Cidr> clusterCidrs, ReconcileTiming timing, Limits limits, PolicySettings policy) {
  public static final String DEFAULT_NAMESPACE = "simgate-system";

  public OperatorSettings {
    clusterCidrs = List.copyOf(clusterCidrs);
  }

  public OperatorSettings(String namespace, Clock clock) {
    this(namespace, AgentImage.DEFAULT, clock);
  }

  /** Only the default agent image is allowed; no configured cluster ranges; default timing and limits. */
  public OperatorSettings(String namespace, AgentImage agentImage, Clock clock) {
    this(namespace, agentImage, clock, AgentImagePolicy.only(agentImage.image()), List.of(), ReconcileTiming.DEFAULT,
        Limits.DEFAULT, PolicySettings.DEFAULT);
  }

  public OperatorSettings withAllowedImages(AgentImagePolicy value) {
    return new OperatorSettings(namespace, agentImage, clock, value, clusterCidrs, timing, limits, policy);
  }

  public OperatorSettings withClusterCidrs(List<Cidr> value) {
    return new OperatorSettings(namespace, agentImage, clock, allowedImages, value, timing, limits, policy);
  }

  public OperatorSettings withTiming(ReconcileTiming value) {
    return new OperatorSettings(namespace, agentImage, clock, allowedImages, clusterCidrs, value, limits, policy);
  }

  public OperatorSettings withLimits(Limits value) {
    return new OperatorSettings(namespace, agentImage, clock, allowedImages, clusterCidrs, timing, value, policy);
  }

  public OperatorSettings withPolicy(PolicySettings value) {
    return new OperatorSettings(namespace, agentImage, clock, allowedImages, clusterCidrs, timing, limits, value);
  }
}
