package dev.simgate.operator.routes;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR;

/**
 * The cluster's own address ranges, which nothing SimGate routes into the tunnel may overlap: a route for a pod or
 * Service address on a gate node would take that traffic away from the cluster. Known from three sources, because none
 * sees every cluster: Node {@code spec.podCIDRs} (set where the controller manager allocates pod ranges, e.g. Flannel),
 * ServiceCIDR objects (networking.k8s.io/v1, served from Kubernetes 1.33), and the operator's setting
 * {@code --cluster-cidrs} for what neither shows (Calico or Cilium pools, the Service range before 1.33).
 */
public final class ClusterRanges {
  /** A cluster range and where the operator learnt it, for messages. */
  public record ClusterRange(Cidr cidr, String source) {
    @Override
    public String toString() {
      return cidr + " (" + source + ")";
    }
  }

  private final List<ClusterRange> ranges;

  private ClusterRanges(List<ClusterRange> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  public static ClusterRanges of(Collection<Cidr> configured, Stream<Node> nodes, Stream<ServiceCIDR> serviceCidrs) {
    List<ClusterRange> ranges = new ArrayList<>();
    configured.forEach(c -> ranges.add(new ClusterRange(c.network(), "operator setting --cluster-cidrs")));
    serviceCidrs.forEach(s -> serviceCidrs(s).forEach(c -> ranges.add(new ClusterRange(c,
        "Service range, ServiceCIDR " + s.getMetadata().getName()))));
    nodes.forEach(n -> podCidrs(n).forEach(c -> ranges.add(new ClusterRange(c,
        "pod range of Node " + n.getMetadata().getName()))));
    return new ClusterRanges(ranges);
  }

  public List<ClusterRange> ranges() {
    return ranges;
  }

  /** The first cluster range that shares an address with {@code cidr}. */
  public Optional<ClusterRange> overlapping(Cidr cidr) {
    return ranges.stream().filter(r -> r.cidr().overlaps(cidr)).findFirst();
  }

  /**
   * A problem when one of {@code cidrs} overlaps a cluster range.
   *
   * @param field what the CIDRs are, for the message ({@code spec.cidrs}, {@code deviceSubnet of ...})
   */
  public Optional<Problem> collision(String field, Collection<Cidr> cidrs) {
    for (Cidr cidr : cidrs) {
      Optional<ClusterRange> range = overlapping(cidr);
      if (range.isPresent()) {
        return Optional.of(new Problem(Problem.CLUSTER_RANGE_OVERLAP, field + " " + cidr + " overlaps the cluster's "
            + range.get().source() + " " + range.get().cidr() + ": a gate node would send that cluster traffic into"
            + " the tunnel"));
      }
    }
    return Optional.empty();
  }

  /** The IPv4 pod ranges of a node ({@code spec.podCIDRs}, or the older {@code spec.podCIDR}). */
  public static Set<Cidr> podCidrs(Node node) {
    Set<String> texts = new LinkedHashSet<>();
    if (node.getSpec() != null) {
      if (node.getSpec().getPodCIDRs() != null) {
        texts.addAll(node.getSpec().getPodCIDRs());
      }
      if (node.getSpec().getPodCIDR() != null) {
        texts.add(node.getSpec().getPodCIDR());
      }
    }
    return ipv4(texts.stream());
  }

  /** The IPv4 ranges of a ServiceCIDR (IPv6 ones cannot collide with IPv4 device ranges). */
  public static Set<Cidr> serviceCidrs(ServiceCIDR serviceCidr) {
    return serviceCidr.getSpec() == null || serviceCidr.getSpec().getCidrs() == null ? Set.of()
        : ipv4(serviceCidr.getSpec().getCidrs().stream());
  }

  private static Set<Cidr> ipv4(Stream<String> texts) {
    Set<Cidr> cidrs = new LinkedHashSet<>();
    texts.map(Cidr::parseOrNull).filter(Objects::nonNull).map(Cidr::network).forEach(cidrs::add);
    return cidrs;
  }
}
