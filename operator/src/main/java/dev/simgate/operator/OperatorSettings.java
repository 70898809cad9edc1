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
 * @param reconcileThreads reconciles that run at once, over all controllers
 * @param policy the node policies: the steering VXLAN between the nodes, the nodes' underlay addresses
 */
public record OperatorSettings(String namespace, AgentImage agentImage, Clock clock, AgentImagePolicy allowedImages,
    List<Cidr> clusterCidrs, ReconcileTiming timing, Limits limits, int reconcileThreads, PolicySettings policy) {
  public static final String DEFAULT_NAMESPACE = "simgate-system";
  /** Chosen by measurement (operator/README.md, Scale): more threads only queue on the API server's writes. */
  public static final int DEFAULT_RECONCILE_THREADS = 4;

  public OperatorSettings {
    clusterCidrs = List.copyOf(clusterCidrs);
    if (reconcileThreads < 1) {
      throw new IllegalArgumentException("reconcile threads must be at least 1, was " + reconcileThreads);
    }
  }

  public OperatorSettings(String namespace, Clock clock) {
    this(namespace, AgentImage.DEFAULT, clock);
  }

  /** Only the default agent image is allowed; no configured cluster ranges; default timing and limits. */
  public OperatorSettings(String namespace, AgentImage agentImage, Clock clock) {
    this(namespace, agentImage, clock, AgentImagePolicy.only(agentImage.image()), List.of(), ReconcileTiming.DEFAULT,
        Limits.DEFAULT, DEFAULT_RECONCILE_THREADS, PolicySettings.DEFAULT);
  }

  public OperatorSettings withAllowedImages(AgentImagePolicy value) {
    return new OperatorSettings(namespace, agentImage, clock,
        value, clusterCidrs, timing, limits, reconcileThreads, policy);
  }

  public OperatorSettings withClusterCidrs(List<Cidr> value) {
    return new OperatorSettings(namespace, agentImage, clock,
        allowedImages, value, timing, limits, reconcileThreads, policy);
  }

  public OperatorSettings withTiming(ReconcileTiming value) {
    return new OperatorSettings(namespace, agentImage, clock,
        allowedImages, clusterCidrs, value, limits, reconcileThreads, policy);
  }

  public OperatorSettings withReconcileThreads(int value) {
    return new OperatorSettings(namespace, agentImage, clock,
        allowedImages, clusterCidrs, timing, limits, value, policy);
  }

  public OperatorSettings withLimits(Limits value) {
    return new OperatorSettings(namespace, agentImage, clock,
        allowedImages, clusterCidrs, timing, value, reconcileThreads, policy);
  }

  public OperatorSettings withPolicy(PolicySettings value) {
    return new OperatorSettings(namespace, agentImage, clock,
        allowedImages, clusterCidrs, timing, limits, reconcileThreads, value);
  }
}
