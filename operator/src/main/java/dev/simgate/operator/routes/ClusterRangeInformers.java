package dev.simgate.operator.routes;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.status.Informers;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;

/** The informers a controller reads {@link ClusterRanges} from: Nodes (pod ranges) and ServiceCIDRs. */
public final class ClusterRangeInformers {
  public static final String POD_RANGES = "pod-ranges";
  public static final String SERVICE_CIDRS = "service-cidrs";
  private static final Logger LOG = LoggerFactory.getLogger(ClusterRangeInformers.class);
  private static final AtomicBoolean TOLD = new AtomicBoolean();

  private ClusterRangeInformers() {}

  /**
   * Whether the API server serves ServiceCIDR (networking.k8s.io/v1, Kubernetes 1.33 and later). Where it does not,
   * the Service range is known only from the operator's --cluster-cidrs.
   */
  public static boolean serviceCidrsServed(KubernetesClient client) {
    boolean served = client.supports(ServiceCIDR.class);
    if (!served && !TOLD.getAndSet(true)) {
      LOG.info("ServiceCIDR (networking.k8s.io/v1) is not served: name the Service range in --cluster-cidrs");
    }
    return served;
  }

  /**
   * Nodes as far as their pod ranges go: the cache keeps only name and {@code spec.podCIDRs}, as a controller that
   * needs nothing else of a Node should not hold a second copy of every Node. Events only when a pod range changes.
   */
  public static <P extends HasMetadata> InformerEventSourceConfiguration<Node> podRanges(Class<P> primary,
      SecondaryToPrimaryMapper<Node> mapper) {
    return InformerEventSourceConfiguration.from(Node.class, primary)
        .withName(POD_RANGES)
        .withItemStore(new PodRangesOnly())
        .withSecondaryToPrimaryMapper(mapper)
        .withOnAddFilter(node -> !ClusterRanges.podCidrs(node).isEmpty())
        .withOnUpdateFilter((next, previous) -> !ClusterRanges.podCidrs(next).equals(ClusterRanges.podCidrs(previous)))
        .withOnDeleteFilter((node, unknown) -> !ClusterRanges.podCidrs(node).isEmpty())
        .build();
  }

  public static <P extends HasMetadata> InformerEventSourceConfiguration<ServiceCIDR> serviceCidrs(Class<P> primary,
      SecondaryToPrimaryMapper<ServiceCIDR> mapper) {
    return InformerEventSourceConfiguration.from(ServiceCIDR.class, primary)
        .withName(SERVICE_CIDRS)
        .withSecondaryToPrimaryMapper(mapper)
        .withOnUpdateFilter((next, previous) -> !Objects.equals(ClusterRanges.serviceCidrs(next),
            ClusterRanges.serviceCidrs(previous)))
        .build();
  }

  /**
   * @param nodes name of the controller's Node informer
   * @param serviceCidrs whether the controller has the ServiceCIDR informer
   */
  public static <P extends HasMetadata> ClusterRanges read(Context<P> context, String nodes, boolean serviceCidrs,
      List<Cidr> configured) {
    Stream<ServiceCIDR> services = serviceCidrs
        ? Informers.named(context, ServiceCIDR.class, SERVICE_CIDRS).list() : Stream.empty();
    return ClusterRanges.of(configured, Informers.named(context, Node.class, nodes).list(), services);
  }

  /** Stores a Node's name, version and pod ranges only. */
  static final class PodRangesOnly extends BasicItemStore<Node> {
    PodRangesOnly() {
      super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public Node put(String key, Node node) {
      return super.put(key, new NodeBuilder()
          .withNewMetadata()
          .withName(node.getMetadata().getName())
          .withUid(node.getMetadata().getUid())
          .withResourceVersion(node.getMetadata().getResourceVersion())
          .endMetadata()
          .withNewSpec()
          .withPodCIDR(node.getSpec() == null ? null : node.getSpec().getPodCIDR())
          .withPodCIDRs(node.getSpec() == null ? null : node.getSpec().getPodCIDRs())
          .endSpec()
          .build());
    }
  }
}
