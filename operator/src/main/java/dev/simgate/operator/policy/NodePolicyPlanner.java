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
 * Pure: the {@link NodePolicy} documents. Every list is sorted, so the same inputs always give the same document and
 * an unchanged policy is never written again. A node's policy comes in two parts, joined by its node agent
 * ({@link dev.simgate.contract.nodepolicy.NodePolicyCodec#join}):
 *
 * <ul>
 *   <li>its own document ({@link #plan}):
 *     <ul>
 *       <li>access: for each accepted DeviceSubnet, the pods on this node it selects, allowed to its routable CIDRs;
 *       <li>steering: this node on the steering VXLAN (its underlay and steering addresses);
 *       <li>exposures (gate nodes only): each accepted exposed Service of the DeviceSubnets of this node's VPG, on
 *           this node's inner address, open to those DeviceSubnets' CIDRs and led to the Service's ready endpoints;
 *           one without a ready endpoint is left out (SIMs' connections to it are dropped as any other);
 *     </ul>
 *   <li>the steering table, the same for every node ({@link #routes}): the members of the steering VXLAN, and for
 *       each CIDR that a VPG's gate nodes route, those of them that are ready; a CIDR with no ready gate node is
 *       listed with none (the node makes it unreachable: a clear error, not a hang).
 * </ul>
 */
public final class NodePolicyPlanner {
  private static final Comparator<Exposure> EXPOSURE_ORDER = Comparator.comparing(Exposure::address)
      .thenComparingInt(Exposure::port).thenComparing(Exposure::protocol).thenComparing(Exposure::owner);

  private NodePolicyPlanner() {}

  /** The node's own document: its access, its place on the steering VXLAN (without the table), its exposures. */
  public static NodePolicy plan(String node, Collection<PodAddress> podsOnNode, PolicyView view) {
    return new NodePolicy(node, access(node, podsOnNode, view), view.steering().forNode(node),
        exposures(node, view));
  }

  static List<Access> access(String node, Collection<PodAddress> podsOnNode, PolicyView view) {
    if (podsOnNode.isEmpty()) {
      return List.of(); // most nodes of a fleet: no need to go through every DeviceSubnet
    }
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
   * The steering table's routes: device CIDRs and every ready gate node that carries them (each node agent leaves its
   * own node out when it joins the table with its document).
   */
  public static List<Route> routes(PolicyView view) {
    List<Route> routes = new ArrayList<>();
    // One list per VPG, shared by its CIDRs (a VPG's 250 CIDRs to 1,000 gate nodes are one list, not 250).
    Map<String, List<Gate>> gatesByVpg = new HashMap<>();
    view.carriers().forEach((cidr, vpg) -> routes.add(new Route(cidr, gatesByVpg.computeIfAbsent(vpg,
        v -> view.gatesOf(v).stream()
            .filter(GateNode::ready)
            .map(g -> new Gate(g.node(), g.innerAddress()))
            .toList()))));
    return routes;
  }

  static List<Exposure> exposures(String node, PolicyView view) {
    List<Exposure> exposures = new ArrayList<>();
    for (GateNode gate : view.gatesOn(node)) {
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
