package dev.simgate.operator.status;

import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetSpec;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/** What the controllers that watch others' objects keep of them (see {@link PrunedStore}). */
public final class Pruning {
  /** {@value} objects per list call: an informer's (re)list of 100,000 devices or 1,000 Nodes comes in pages. */
  public static final long LIST_PAGE = 250;

  private Pruning() {}

  /**
   * A DeviceSubnet without its devices: which VPG it uses, what it routes and counts. For the controllers that sum or
   * route, never publish.
   */
  public static DeviceSubnet deviceSubnetSummary(DeviceSubnet subnet) {
    DeviceSubnet summary = new DeviceSubnet();
    summary.setMetadata(PrunedStore.identity(subnet.getMetadata()));
    DeviceSubnetSpec spec = new DeviceSubnetSpec();
    spec.vpgRef = subnet.getSpec() == null ? null : subnet.getSpec().vpgRef;
    spec.cidrs = subnet.getSpec() == null ? null : subnet.getSpec().cidrs;
    spec.devices = null;
    summary.setSpec(spec);
    if (subnet.getStatus() != null) {
      DeviceSubnetStatus status = new DeviceSubnetStatus();
      status.observedGeneration = subnet.getStatus().observedGeneration;
      status.conditions = subnet.getStatus().conditions;
      status.devices = subnet.getStatus().devices;
      status.routed = subnet.getStatus().routed;
      summary.setStatus(status);
    }
    return summary;
  }

  /** A Node as far as gate peers go: labels and annotations (selection, outer address), addresses, pod ranges. */
  public static Node nodeEssentials(Node node) {
    var metadata = PrunedStore.identity(node.getMetadata());
    metadata.setLabels(node.getMetadata().getLabels());
    metadata.setAnnotations(node.getMetadata().getAnnotations());
    NodeBuilder builder = new NodeBuilder().withMetadata(metadata);
    if (node.getSpec() != null) {
      builder.withNewSpec().withPodCIDR(node.getSpec().getPodCIDR()).withPodCIDRs(node.getSpec().getPodCIDRs())
          .endSpec();
    }
    if (node.getStatus() != null) {
      builder.withNewStatus().withAddresses(node.getStatus().getAddresses()).endStatus();
    }
    return builder.build();
  }

  /** An agent pod: whose it is, where it runs, its address and readiness. */
  public static Pod agentPodEssentials(Pod pod) {
    var metadata = PrunedStore.identity(pod.getMetadata());
    metadata.setLabels(pod.getMetadata().getLabels());
    PodBuilder builder = new PodBuilder().withMetadata(metadata);
    if (pod.getSpec() != null) {
      builder.withNewSpec().withNodeName(pod.getSpec().getNodeName()).endSpec();
    }
    if (pod.getStatus() != null) {
      builder.withNewStatus().withPodIP(pod.getStatus().getPodIP()).withPodIPs(pod.getStatus().getPodIPs())
          .withConditions(pod.getStatus().getConditions()).withPhase(pod.getStatus().getPhase()).endStatus();
    }
    return builder.build();
  }
}
