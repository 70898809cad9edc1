package dev.simgate.agent.node;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy;
import dev.simgate.contract.nodepolicy.NodePolicy.Access;
import dev.simgate.contract.nodepolicy.NodePolicy.Exposure;
import dev.simgate.contract.nodepolicy.NodePolicy.Gate;
import dev.simgate.contract.nodepolicy.NodePolicy.Protocol;
import dev.simgate.contract.nodepolicy.NodePolicy.Route;
import dev.simgate.contract.nodepolicy.NodePolicy.Steering;
import dev.simgate.contract.nodepolicy.NodePolicy.SteeringNode;
import dev.simgate.contract.nodepolicy.NodePolicy.Target;
import java.util.ArrayList;
import java.util.List;

/**
 * Policies for the node agent's tests: a cluster of two gate nodes ({@code gate-a}, {@code gate-b}) and a plain node
 * ({@code plain}) on the underlay 198.51.100.0/24, steering network 198.18.0.0/16, device subnet 10.128.0.0/9.
 */
final class Policies {
  static final Cidr SIMS_A = Cidr.parse("10.128.1.0/24");
  static final Cidr SIMS_B = Cidr.parse("10.128.2.0/24");
  static final Ipv4 GATE_A_INNER = Ipv4.parse("10.128.255.254");
  static final Ipv4 GATE_B_INNER = Ipv4.parse("10.128.255.253");
  static final List<SteeringNode> NODES = List.of(
      new SteeringNode("gate-a", Ipv4.parse("198.51.100.2"), Ipv4.parse("198.18.0.2"), true),
      new SteeringNode("gate-b", Ipv4.parse("198.51.100.4"), Ipv4.parse("198.18.0.4"), true),
      new SteeringNode("plain", Ipv4.parse("198.51.100.10"), Ipv4.parse("198.18.0.10"), false));
  static final List<Route> ROUTES = List.of(
      new Route(SIMS_A, List.of(new Gate("gate-a", GATE_A_INNER), new Gate("gate-b", GATE_B_INNER))),
      new Route(SIMS_B, List.of(new Gate("gate-b", GATE_B_INNER))));

  private Policies() {}

  static Steering steering(String node) {
    SteeringNode self = NODES.stream().filter(n -> n.name().equals(node)).findFirst().orElseThrow();
    return new Steering(4097, 4790, 1450, self.underlay(), new Cidr(self.address(), 16), NODES, ROUTES);
  }

  /** The plain node: one pod allowed to SIMS_A. */
  static NodePolicy plainOnePod() {
    return new NodePolicy("plain", List.of(new Access("factory/sims", List.of(Ipv4.parse("10.88.1.2")),
        List.of(SIMS_A))), steering("plain"), List.of());
  }

  /** The plain node with {@code pods} pod addresses allowed to SIMS_A and a second DeviceSubnet to SIMS_B. */
  static NodePolicy plainManyPods(int pods) {
    List<Ipv4> sources = new ArrayList<>();
    for (int i = 0; i < pods; i++) {
      sources.add(new Ipv4(Ipv4.parse("10.88.0.0").bits() + 2 + i + (i / 254) * 2));
    }
    return new NodePolicy("plain", List.of(
        new Access("factory/sims", sources, List.of(SIMS_A)),
        new Access("logistics/trackers", sources.subList(0, Math.min(3, pods)), List.of(SIMS_B))),
        steering("plain"), List.of());
  }

  /** Gate node A: a pod of its own, and an exposure with several targets and one with a single target. */
  static NodePolicy gateWithExposures() {
    return new NodePolicy("gate-a", List.of(new Access("factory/sims", List.of(Ipv4.parse("10.88.2.7")),
        List.of(SIMS_A))), steering("gate-a"), List.of(
        new Exposure("factory/sims/echo:80", Protocol.TCP, GATE_A_INNER, 8080, List.of(SIMS_A, SIMS_B),
            List.of(new Target(Ipv4.parse("10.88.1.7"), 80), new Target(Ipv4.parse("10.88.2.9"), 80),
                new Target(Ipv4.parse("192.168.50.2"), 8000))),
        new Exposure("factory/sims/ntp:123", Protocol.UDP, GATE_A_INNER, 123, List.of(SIMS_A),
            List.of(new Target(Ipv4.parse("10.88.1.8"), 123))),
        new Exposure("factory/sims/none:81", Protocol.TCP, GATE_A_INNER, 8081, List.of(SIMS_A), List.of())));
  }
}
