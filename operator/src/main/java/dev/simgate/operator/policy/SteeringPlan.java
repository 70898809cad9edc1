package dev.simgate.operator.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy.Steering;
import dev.simgate.contract.nodepolicy.NodePolicy.SteeringNode;
import dev.simgate.operator.gatepeer.GatePeerPlanner;
import dev.simgate.operator.routes.ClusterRanges;
import io.fabric8.kubernetes.api.model.Node;

/** The members of the steering VXLAN: every node with an underlay address and a steering address. Pure. */
public final class SteeringPlan {
  private final PolicySettings settings;
  private final List<SteeringNode> members;
  private final String problem;
  /** Every node's document looks itself up: by name, not by a scan of a thousand members each. */
  private final Map<String, SteeringNode> byName;

  /**
   * @param members in any order
   * @param problem why no node steers (the pool overlaps a range it must not), or null
   */
  public SteeringPlan(PolicySettings settings, List<SteeringNode> members, String problem) {
    this.settings = settings;
    this.members = members.stream().sorted(Comparator.comparing(SteeringNode::name)).toList();
    this.problem = problem;
    this.byName = this.members.stream()
        .collect(Collectors.toUnmodifiableMap(SteeringNode::name, m -> m, (first, same) -> first));
  }

  public PolicySettings settings() {
    return settings;
  }

  /** Sorted by name. */
  public List<SteeringNode> members() {
    return members;
  }

  /** Why no node steers, or null. */
  public String problem() {
    return problem;
  }

  /**
   * @param nodes the cluster's nodes
   * @param addresses steering addresses by node ({@link SteeringLedger})
   * @param gateNodes names of the nodes that run a gate agent
   * @param vpgSubnets every VPG's device subnet, by VPG name
   */
  public static SteeringPlan of(PolicySettings settings, Collection<Node> nodes, Map<String, Ipv4> addresses,
      Set<String> gateNodes, ClusterRanges cluster, Map<String, Cidr> vpgSubnets) {
    String problem = poolProblem(settings.steeringPool(), cluster, vpgSubnets).orElse(null);
    List<SteeringNode> members = new ArrayList<>();
    for (Node node : nodes) {
      String name = node.getMetadata().getName();
      Optional<Ipv4> underlay = underlay(node, settings);
      Ipv4 address = addresses.get(name);
      if (underlay.isPresent() && address != null) {
        members.add(new SteeringNode(name, underlay.get(), address, gateNodes.contains(name)));
      }
    }
    return new SteeringPlan(settings, members, problem);
  }

  /** A node's underlay address, as the settings say where it comes from (InternalIP by default). */
  public static Optional<Ipv4> underlay(Node node, PolicySettings settings) {
    return GatePeerPlanner.outerAddress(node, settings.underlay()).map(Ipv4::parseOrNull);
  }

  /** Why the steering pool cannot be used: it overlaps a range of the cluster or a VPG's device subnet. */
  public static Optional<String> poolProblem(Cidr pool, ClusterRanges cluster, Map<String, Cidr> vpgSubnets) {
    Optional<String> clusterRange = cluster.overlapping(pool)
        .map(range -> "the steering pool " + pool + " overlaps the cluster's " + range.source() + " " + range.cidr());
    if (clusterRange.isPresent()) {
      return clusterRange;
    }
    return vpgSubnets.entrySet().stream().filter(e -> e.getValue().overlaps(pool)).findFirst()
        .map(e -> "the steering pool " + pool + " overlaps deviceSubnet " + e.getValue()
            + " of VirtualPrivateGateway '" + e.getKey() + "'");
  }

  /**
   * {@code node} on the steering VXLAN, without the members and routes (those are the steering table's), or null when
   * it cannot steer (a problem, or it has no underlay or steering address).
   */
  public Steering forNode(String node) {
    if (problem != null) {
      return null;
    }
    return Optional.ofNullable(byName.get(node))
        .map(self -> new Steering(settings.vni(), settings.port(), settings.mtu(), self.underlay(),
            new Cidr(self.address(), settings.steeringPool().prefix()), List.of(), List.of()))
        .orElse(null);
  }

  /** Whether {@code node} is on the steering VXLAN. */
  public boolean steers(String node) {
    return problem == null && byName.containsKey(node);
  }
}
