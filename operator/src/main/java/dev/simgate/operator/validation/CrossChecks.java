package dev.simgate.operator.validation;

import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.contract.net.Cidr;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Rules that need more than one object. Conflicts between two GatePeers are blamed on the younger one (by
 * creationTimestamp, then name), so the one already serving keeps serving. Overlaps between DeviceSubnets are not
 * decided here but by who holds the range ({@link dev.simgate.operator.routes.RangeClaims}): age would let an older
 * DeviceSubnet take a younger one's range by editing its spec.
 */
public final class CrossChecks {
  private CrossChecks() {}

  /** Orders objects by age, oldest first; ties broken by namespace/name so the order is total. */
  public static final Comparator<HasMetadata> OLDEST_FIRST = Comparator
      .comparing((HasMetadata o) -> String.valueOf(o.getMetadata().getCreationTimestamp()))
      .thenComparing(o -> String.valueOf(o.getMetadata().getNamespace()))
      .thenComparing(o -> o.getMetadata().getName());

  public static Optional<Problem> gatePeer(GatePeer gatePeer, VirtualPrivateGateway vpg, Collection<GatePeer> all) {
    if (vpg == null) {
      return Optional.of(new Problem(Problem.VPG_NOT_FOUND,
          "spec.vpgRef: VirtualPrivateGateway '" + gatePeer.getSpec().vpgRef + "' does not exist"));
    }
    Cidr deviceSubnet;
    Cidr pool;
    try {
      deviceSubnet = Cidr.parse(vpg.getSpec().deviceSubnet).network();
      pool = Cidr.parse(gatePeer.getSpec().innerAddressPool).network();
    } catch (IllegalArgumentException e) {
      return Optional.of(new Problem(Problem.INVALID_SPEC, e.getMessage()));
    }
    if (!deviceSubnet.contains(pool)) {
      return Optional.of(new Problem(Problem.POOL_OUTSIDE_DEVICE_SUBNET,
          "spec.innerAddressPool " + pool + " is not inside deviceSubnet " + deviceSubnet
              + " of VirtualPrivateGateway '" + vpg.getMetadata().getName() + "'"));
    }
    for (GatePeer other : all) {
      if (isSame(other, gatePeer) || !gatePeer.getSpec().vpgRef.equals(other.getSpec().vpgRef)
          || OLDEST_FIRST.compare(other, gatePeer) > 0) {
        continue;
      }
      Optional<Cidr> otherPool = parse(other.getSpec().innerAddressPool);
      if (otherPool.isPresent() && otherPool.get().overlaps(pool)) {
        return Optional.of(new Problem(Problem.POOL_OVERLAP,
            "spec.innerAddressPool " + pool + " overlaps innerAddressPool " + otherPool.get()
                + " of GatePeer '" + other.getMetadata().getName() + "' on the same VirtualPrivateGateway"));
      }
    }
    return Optional.empty();
  }

  /**
   * @param namespaceLabels labels of the DeviceSubnet's namespace, null when the namespace is not known
   * @param gatePeers GatePeers of the cluster (their pools must not overlap device CIDRs)
   */
  public static Optional<Problem> deviceSubnet(DeviceSubnet subnet, VirtualPrivateGateway vpg,
      Map<String, String> namespaceLabels, Collection<GatePeer> gatePeers) {
    String vpgName = subnet.getSpec().vpgRef;
    if (vpg == null) {
      return Optional.of(new Problem(Problem.VPG_NOT_FOUND,
          "spec.vpgRef: VirtualPrivateGateway '" + vpgName + "' does not exist"));
    }
    String namespace = subnet.getMetadata().getNamespace();
    if (!Selectors.matches(vpg.getSpec().namespaceSelector, namespaceLabels)) {
      return Optional.of(new Problem(Problem.NAMESPACE_NOT_ALLOWED,
          "namespace '" + namespace + "' is not selected by spec.namespaceSelector of VirtualPrivateGateway '"
              + vpgName + "'"));
    }
    Cidr deviceSubnet;
    try {
      deviceSubnet = Cidr.parse(vpg.getSpec().deviceSubnet).network();
    } catch (IllegalArgumentException e) {
      return Optional.of(new Problem(Problem.INVALID_SPEC, e.getMessage()));
    }
    for (String text : subnet.getSpec().cidrs) {
      Optional<Cidr> cidr = parse(text);
      if (cidr.isEmpty()) {
        return Optional.of(new Problem(Problem.INVALID_SPEC, "spec.cidrs: '" + text + "' is not an IPv4 CIDR"));
      }
      if (!deviceSubnet.contains(cidr.get())) {
        return Optional.of(new Problem(Problem.CIDR_OUTSIDE_DEVICE_SUBNET,
            "spec.cidrs: " + cidr.get() + " is not inside deviceSubnet " + deviceSubnet
                + " of VirtualPrivateGateway '" + vpgName + "'"));
      }
      for (GatePeer gatePeer : gatePeers) {
        Optional<Cidr> pool = parse(gatePeer.getSpec().innerAddressPool);
        if (vpgName.equals(gatePeer.getSpec().vpgRef) && pool.isPresent() && pool.get().overlaps(cidr.get())) {
          return Optional.of(new Problem(Problem.CIDR_OVERLAP,
              "spec.cidrs: " + cidr.get() + " overlaps innerAddressPool " + pool.get() + " of GatePeer '"
                  + gatePeer.getMetadata().getName() + "'"));
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isSame(HasMetadata a, HasMetadata b) {
    return a.getMetadata().getName().equals(b.getMetadata().getName())
        && Objects.equals(a.getMetadata().getNamespace(), b.getMetadata().getNamespace());
  }

  /** The network a CIDR names (host bits cleared), or empty when the text is not a CIDR. */
  private static Optional<Cidr> parse(String text) {
    return Optional.ofNullable(Cidr.parseOrNull(text)).map(Cidr::network);
  }
}
