package dev.simgate.operator.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import dev.simgate.contract.net.Ipv4;
import dev.simgate.operator.status.Pruning;
import dev.simgate.operator.status.SharedWatch;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * Pods as the access rules see them. A pod counts when it runs on a node, has an IPv4 address of its own, and has
 * neither finished (Succeeded, Failed) nor started terminating: a deleted pod loses access when its deletion starts,
 * before the kubelet stops it and its address may go to another pod. hostNetwork pods send with their node's address,
 * which the node's access rules do not see (its own traffic is not forwarded), so they are not listed.
 */
public final class PolicyPods {
  /** Index of the pod watch by node name. */
  public static final String BY_NODE = "spec.nodeName";
  /** Index of the pod watch by namespace (every informer has it). */
  public static final String BY_NAMESPACE = Cache.NAMESPACE_INDEX;

  private PolicyPods() {}

  /**
   * The one watch of the cluster's pods ({@link Trimmed}), which the node policies and the access reports share: the
   * largest stream of events an operator at fleet scale receives (each pod starting), parsed once, not once each. The
   * API server leaves out pods {@link #of} would: hostNetwork ones (the agents, two on each node, whose status churn
   * was most of that stream) and finished ones (a pod that finishes leaves the watch as deleted).
   */
  public static SharedWatch<Pod> watch(KubernetesClient client) {
    return new SharedWatch<>(() -> {
      SharedIndexInformer<Pod> informer = client.pods().inAnyNamespace()
          .withField("spec.hostNetwork", "false")
          .withoutField("status.phase", "Succeeded").withoutField("status.phase", "Failed")
          .withLimit(Pruning.LIST_PAGE).runnableInformer(0);
      informer.itemStore(new Trimmed());
      return informer;
    }, PolicyPods::changed, indexers());
  }

  /** A pod that may be given access: where it runs and the address it sends from. */
  public record PodAddress(String namespace, String name, Map<String, String> labels, String node, Ipv4 address) {}

  public static Optional<PodAddress> of(Pod pod) {
    if (pod.getSpec() == null || pod.getSpec().getNodeName() == null || pod.getStatus() == null
        || pod.getMetadata().getDeletionTimestamp() != null
        || Boolean.TRUE.equals(pod.getSpec().getHostNetwork())
        || "Succeeded".equals(pod.getStatus().getPhase()) || "Failed".equals(pod.getStatus().getPhase())) {
      return Optional.empty();
    }
    return ipv4(pod).map(address -> new PodAddress(pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
        pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels(), pod.getSpec().getNodeName(),
        address));
  }

  private static Optional<Ipv4> ipv4(Pod pod) {
    if (pod.getStatus().getPodIPs() != null) {
      for (PodIP ip : pod.getStatus().getPodIPs()) {
        Ipv4 address = ip.getIp() == null ? null : Ipv4.parseOrNull(ip.getIp());
        if (address != null) {
          return Optional.of(address);
        }
      }
    }
    return Optional.ofNullable(pod.getStatus().getPodIP()).map(Ipv4::parseOrNull);
  }

  /** Whether an update can change what access rules or counts see (kubelet status churn cannot). */
  public static boolean changed(Pod next, Pod previous) {
    return !Objects.equals(of(next), of(previous));
  }

  public static Map<String, Function<Pod, List<String>>> indexers() {
    return Map.of(BY_NODE, pod -> pod.getSpec() == null || pod.getSpec().getNodeName() == null ? List.of()
        : List.of(pod.getSpec().getNodeName()));
  }

  /**
   * Keeps of a Pod only what {@link #of} reads: a cluster's pods are many, and the operator needs a few fields of
   * each.
   */
  public static final class Trimmed extends BasicItemStore<Pod> {
    public Trimmed() {
      super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public Pod put(String key, Pod pod) {
      return super.put(key, trim(pod));
    }

    static Pod trim(Pod pod) {
      return new PodBuilder()
          .withNewMetadata()
          .withNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .withUid(pod.getMetadata().getUid())
          .withResourceVersion(pod.getMetadata().getResourceVersion())
          .withLabels(pod.getMetadata().getLabels())
          .withDeletionTimestamp(pod.getMetadata().getDeletionTimestamp())
          .endMetadata()
          .withNewSpec()
          .withNodeName(pod.getSpec() == null ? null : pod.getSpec().getNodeName())
          .withHostNetwork(pod.getSpec() == null ? null : pod.getSpec().getHostNetwork())
          .endSpec()
          .withNewStatus()
          .withPhase(pod.getStatus() == null ? null : pod.getStatus().getPhase())
          .withPodIP(pod.getStatus() == null ? null : pod.getStatus().getPodIP())
          .withPodIPs(pod.getStatus() == null ? null : pod.getStatus().getPodIPs())
          .endStatus()
          .build();
    }
  }
}
