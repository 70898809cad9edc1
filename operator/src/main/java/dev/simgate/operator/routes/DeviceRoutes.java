package dev.simgate.operator.routes;

import java.util.ArrayList;
import java.util.List;
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
        var collision = cluster.overlapping(cidr);
        if (!deviceSubnet.contains(cidr)) {
          withheld.add(claim.holder() + " " + cidr + ": outside deviceSubnet " + deviceSubnet);
        } else if (collision.isPresent()) {
          withheld.add(claim.holder() + " " + cidr + ": overlaps cluster range " + collision.get());
        } else {
          routes.add(cidr);
        }
      }
    });
    return new DeviceRoutes(List.copyOf(routes), List.copyOf(withheld));
  }
}
