package dev.simgate.operator.policy;

import java.util.Objects;

import dev.simgate.operator.routes.ClusterRanges;
import dev.simgate.operator.status.Pruning;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;

/**
 * Nodes as far as the node policies go: name and uid (a policy ConfigMap is owned by its Node), labels, annotations
 * and addresses (the underlay address), and pod ranges (the cluster's ranges): {@link Pruning#nodeEssentials}. Kubelet
 * status churn is not kept.
 */
public final class SteeringNodes extends BasicItemStore<Node> {
  public SteeringNodes() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public Node put(String key, Node node) {
    return super.put(key, Pruning.nodeEssentials(node));
  }

  /** Whether an update changes what this store keeps (anything else is kubelet churn). */
  public static boolean changed(Node next, Node previous) {
    return !Objects.equals(next.getMetadata().getLabels(), previous.getMetadata().getLabels())
        || !Objects.equals(next.getMetadata().getAnnotations(), previous.getMetadata().getAnnotations())
        || !Objects.equals(next.getStatus() == null ? null : next.getStatus().getAddresses(),
            previous.getStatus() == null ? null : previous.getStatus().getAddresses())
        || !ClusterRanges.podCidrs(next).equals(ClusterRanges.podCidrs(previous));
  }

  /** For the controller's own Node informer (annotation-configured: needs a class). */
  public static final class UpdateFilter implements OnUpdateFilter<Node> {
    @Override
    public boolean accept(Node next, Node previous) {
      return changed(next, previous);
    }
  }
}
