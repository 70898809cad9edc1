package dev.simgate.operator.policy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.routes.RangeClaims.Exposure;

/**
 * What the node policies are made of, read once per reconcile from the informers' caches: the accepted DeviceSubnets,
 * the gate nodes, the steering VXLAN and where exposed Services lead.
 */
public final class PolicyView {
  /** Resolves an exposed Service port of a namespace to its ready endpoints. */
  @FunctionalInterface
  public interface ExposureTargets {
    ServiceTargets.Resolution resolve(String namespace, Exposure exposure);
  }

  private final List<AcceptedSubnet> subnets;
  private final List<GateNode> gates;
  private final SteeringPlan steering;
  private final ExposureTargets targets;
  private final Map<Cidr, String> carriers;
  /** Gates by node and by VPG: each of a thousand documents and reports looks up its own, not through a scan. */
  private final Map<String, List<GateNode>> gatesByNode;
  private final Map<String, List<GateNode>> gatesByVpg;

  public PolicyView(List<AcceptedSubnet> subnets, List<GateNode> gates, SteeringPlan steering,
      ExposureTargets targets) {
    this.subnets = List.copyOf(subnets);
    this.gates = List.copyOf(gates);
    this.steering = steering;
    this.targets = targets;
    this.carriers = carriers(this.subnets);
    this.gatesByNode = by(this.gates, GateNode::node);
    this.gatesByVpg = by(this.gates, GateNode::vpg);
  }

  private static Map<String, List<GateNode>> by(List<GateNode> gates, Function<GateNode, String> key) {
    return gates.stream().collect(Collectors.groupingBy(key, Collectors.toUnmodifiableList()));
  }

  public List<AcceptedSubnet> subnets() {
    return subnets;
  }

  public List<GateNode> gates() {
    return gates;
  }

  public SteeringPlan steering() {
    return steering;
  }

  public ExposureTargets targets() {
    return targets;
  }

  /** The gates on {@code node} (one per VPG it serves), in the order of {@link #gates}. */
  public List<GateNode> gatesOn(String node) {
    return gatesByNode.getOrDefault(node, List.of());
  }

  /** The gate nodes of a VPG, sorted by node. */
  public List<GateNode> gatesOf(String vpg) {
    return gatesByVpg.getOrDefault(vpg, List.of());
  }

  /** Which VPG carries each routable CIDR, sorted by CIDR (see {@link #carriers(List)}). */
  public Map<Cidr, String> carriers() {
    return carriers;
  }

  /** The CIDRs of an accepted DeviceSubnet that its own VPG carries: what its pods may reach. */
  public List<Cidr> allowed(AcceptedSubnet subnet) {
    return subnet.cidrs().stream().filter(c -> subnet.vpg().equals(carriers.get(c))).toList();
  }

  /**
   * Two VPGs may use the same device ranges (SORACOM's default is 10.128.0.0/9 for all), but a node routes an address
   * one way only: the first DeviceSubnet (by namespace/name) keeps it, and a CIDR overlapping one that another VPG
   * carries is neither steered nor allowed (it would lead into the other VPG).
   */
  static Map<Cidr, String> carriers(List<AcceptedSubnet> subnets) {
    Map<Cidr, String> carriers = new TreeMap<>(AcceptedSubnet.CIDR_ORDER);
    for (AcceptedSubnet subnet : subnets) {
      for (Cidr cidr : subnet.cidrs()) {
        if (carriers.entrySet().stream().noneMatch(e -> !e.getValue().equals(subnet.vpg()) && e.getKey().overlaps(cidr))) {
          carriers.put(cidr, subnet.vpg());
        }
      }
    }
    return carriers;
  }
}
