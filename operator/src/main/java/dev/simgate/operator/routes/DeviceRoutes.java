package dev.simgate.operator.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

import dev.simgate.contract.net.Cidr;

/**
 * The routes a VPG's gate nodes install: the ranges its DeviceSubnets hold ({@link RangeClaims}), checked again at use
 * against what may have changed since they were accepted. A claim is routed only while its DeviceSubnet exists, only
 * inside the VPG's deviceSubnet, and only where it overlaps no range of the cluster; what fails is withheld (and the
 * DeviceSubnet's own status says why), never an error that would stop the GatePeer.
 *
 * @param routes what the gate nodes route, sorted and without duplicates
 * @param withheld a line per claimed CIDR left out, for the log
 */
public record DeviceRoutes(List<Cidr> routes, List<String> withheld) {
  public static DeviceRoutes of(RangeClaims claims, Predicate<String> live, Cidr deviceSubnet, ClusterRanges cluster) {
    TreeSet<Cidr> routes = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
    List<String> withheld = new ArrayList<>();
    claims.malformed().forEach(uid -> withheld.add("claim " + uid + ": does not parse"));
    claims.claims().forEach((uid, claim) -> {
      if (!live.test(uid)) {
        return;
      }
      for (Cidr cidr : claim.cidrs()) {
        withheld(cidr, deviceSubnet, cluster).ifPresentOrElse(why -> withheld.add(claim.holder() + " " + cidr + ": " + why),
            () -> routes.add(cidr));
      }
    });
    return new DeviceRoutes(List.copyOf(routes), List.copyOf(withheld));
  }

  /** The CIDRs of a live claim that the gate nodes route (the others are withheld, see {@link #of}). */
  public static List<Cidr> routable(RangeClaims.Claim claim, Cidr deviceSubnet, ClusterRanges cluster) {
    return claim.cidrs().stream().filter(cidr -> withheld(cidr, deviceSubnet, cluster).isEmpty()).toList();
  }

  private static Optional<String> withheld(Cidr cidr, Cidr deviceSubnet, ClusterRanges cluster) {
    if (!deviceSubnet.contains(cidr)) {
      return Optional.of("outside deviceSubnet " + deviceSubnet);
    }
    return cluster.overlapping(cidr).map(range -> "overlaps cluster range " + range);
  }
}
