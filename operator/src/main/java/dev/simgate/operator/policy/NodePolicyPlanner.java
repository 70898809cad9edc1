package dev.simgate.operator.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy;
import dev.simgate.contract.nodepolicy.NodePolicy.Access;
import dev.simgate.contract.nodepolicy.NodePolicy.Exposure;
import dev.simgate.contract.nodepolicy.NodePolicy.Gate;
import dev.simgate.contract.nodepolicy.NodePolicy.Protocol;
import dev.simgate.contract.nodepolicy.NodePolicy.Route;
import dev.simgate.operator.policy.PolicyPods.PodAddress;
import dev.simgate.operator.routes.RangeClaims;

/**
 * Pure: the {@link NodePolicy} of one node. Every list is sorted, so the same inputs always give the same document
 * and an unchanged policy is never written again.
 *
 * <ul>
 *   <li>access: for each accepted DeviceSubnet, the pods on this node it selects, allowed to its routable CIDRs;
 *   <li>steering: this node on the steering VXLAN, and for each CIDR that a VPG's gate nodes route, those of them
 *       that are ready (never this node itself: its own agent routes the CIDR, and its steering route is the way to
 *       the others when that agent is down); a CIDR with no ready gate node is listed with none (the node makes it
 *       unreachable: a clear error, not a hang);
 *   <li>exposures (gate nodes only): each accepted exposed Service of the DeviceSubnets of this node's VPG, on this
 *       node's inner address, open to those DeviceSubnets' CIDRs and led to the Service's ready endpoints; one without
 *       a ready endpoint is left out (SIMs' connections to it are dropped as any other).
 * </ul>
 */
public final class NodePolicyPlanner {
  private static final Comparator<Exposure> EXPOSURE_ORDER = Comparator.comparing(Exposure::address)
      .thenComparingInt(Exposure::port).thenComparing(Exposure::protocol).thenComparing(Exposure::owner);

  private NodePolicyPlanner() {}

  public static NodePolicy plan(String node, Collection<PodAddress> podsOnNode, PolicyView view) {
    return new NodePolicy(node, access(node, podsOnNode, view), view.steering().forNode(node, routes(node, view)),
        exposures(node, view));
  }

  static List<Access> access(String node, Collection<PodAddress> podsOnNode, PolicyView view) {
    Map<String, TreeSet<Ipv4>> sources = new TreeMap<>();
    Map<String, TreeSet<Cidr>> destinations = new TreeMap<>();
    for (AcceptedSubnet subnet : view.subnets()) {
      List<Cidr> allowed = view.allowed(subnet);
      if (allowed.isEmpty()) {
        continue;
      }
      for (PodAddress pod : podsOnNode) {
        if (node.equals(pod.node()) && subnet.selects(pod)) {
          sources.computeIfAbsent(subnet.owner(), o -> new TreeSet<>()).add(pod.address());
          destinations.computeIfAbsent(subnet.owner(), o -> new TreeSet<>(AcceptedSubnet.CIDR_ORDER))
              .addAll(allowed);
        }
      }
    }
    List<Access> access = new ArrayList<>();
    sources.forEach((owner, addresses) -> access.add(new Access(owner, List.copyOf(addresses),
        List.copyOf(destinations.get(owner)))));
    return access;
  }

  /**
   * Device CIDRs and the ready gate nodes that carry them, without {@code node}'s own entry.
   *
   * @param node null: every ready gate node (the steering table's routes, which each node agent filters itself)
   */
  public static List<Route> routes(String node, PolicyView view) {
    List<Route> routes = new ArrayList<>();
    // One list per VPG, shared by its CIDRs (a VPG's 250 CIDRs to 1,000 gate nodes are one list, not 250).
    Map<String, List<Gate>> gatesByVpg = new HashMap<>();
    view.carriers().forEach((cidr, vpg) -> routes.add(new Route(cidr, gatesByVpg.computeIfAbsent(vpg,
        v -> view.gatesOf(v).stream()
            .filter(g -> g.ready() && !g.node().equals(node))
            .map(g -> new Gate(g.node(), g.innerAddress()))
            .toList()))));
    return routes;
  }

  static List<Exposure> exposures(String node, PolicyView view) {
    List<Exposure> exposures = new ArrayList<>();
    for (GateNode gate : view.gates()) {
      if (!gate.node().equals(node)) {
        continue;
      }
      for (AcceptedSubnet subnet : view.subnets()) {
        if (!subnet.vpg().equals(gate.vpg()) || subnet.cidrs().isEmpty()) {
          continue;
        }
        for (RangeClaims.Exposure exposed : subnet.terms().exposures()) {
          var resolution = view.targets().resolve(subnet.namespace(), exposed);
          if (!resolution.targets().isEmpty()) {
            exposures.add(new Exposure(owner(subnet, exposed), Protocol.valueOf(exposed.protocol()),
                gate.innerAddress(), exposed.innerPort(), subnet.cidrs(), resolution.targets()));
          }
        }
      }
    }
    exposures.sort(EXPOSURE_ORDER);
    return exposures;
  }

  /** {@code <namespace>/<devicesubnet>/<service>:<port>}. */
  public static String owner(AcceptedSubnet subnet, RangeClaims.Exposure exposed) {
    return subnet.owner() + "/" + exposed.service() + ":" + exposed.port();
  }
}
