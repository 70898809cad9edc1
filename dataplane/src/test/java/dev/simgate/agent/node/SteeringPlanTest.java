package dev.simgate.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SteeringPlanTest {
  private static final Set<Ipv4> BOTH = Set.of(Policies.GATE_A_INNER, Policies.GATE_B_INNER);

  @Test
  void aPlainNodeSpreadsEachDeviceCidrOverTheGatesThatCarryAndKeepsALastResort() {
    SteeringPlan.State state = SteeringPlan.desired(Policies.plainOnePod(), BOTH);
    assertThat(state.device()).isEqualTo(new SteeringPlan.Device(4097, 4790, Ipv4.parse("198.51.100.10"),
        dev.simgate.contract.net.Cidr.parse("198.18.0.10/16"), 1450, "02:53:c6:12:00:0a"));
    assertThat(state.forwarding()).containsExactly(
        java.util.Map.entry("02:53:c6:12:00:02", Ipv4.parse("198.51.100.2")),
        java.util.Map.entry("02:53:c6:12:00:04", Ipv4.parse("198.51.100.4")));
    assertThat(state.neighbours()).containsExactly(
        java.util.Map.entry(Ipv4.parse("10.128.255.253"), "02:53:c6:12:00:04"),
        java.util.Map.entry(Ipv4.parse("10.128.255.254"), "02:53:c6:12:00:02"),
        java.util.Map.entry(Ipv4.parse("198.18.0.2"), "02:53:c6:12:00:02"),
        java.util.Map.entry(Ipv4.parse("198.18.0.4"), "02:53:c6:12:00:04"));
    assertThat(specs(state)).containsExactly(
        "10.128.255.253/32 dev sgsteer0 proto 83 scope link metric 100",
        "10.128.255.254/32 dev sgsteer0 proto 83 scope link metric 100",
        "10.128.1.0/24 proto 83 metric 100 nexthop via 10.128.255.253 dev sgsteer0 onlink"
            + " nexthop via 10.128.255.254 dev sgsteer0 onlink",
        "unreachable 10.128.1.0/24 proto 83 metric 1000",
        "10.128.2.0/24 proto 83 metric 100 via 10.128.255.253 dev sgsteer0 onlink",
        "unreachable 10.128.2.0/24 proto 83 metric 1000");
  }

  @Test
  void gatesThatStopCarryingLeaveTheRouteAndWithNoneOnlyTheLastResortIsLeft() {
    assertThat(specs(SteeringPlan.desired(Policies.plainOnePod(), Set.of(Policies.GATE_A_INNER)))).contains(
        "10.128.1.0/24 proto 83 metric 100 via 10.128.255.254 dev sgsteer0 onlink",
        "unreachable 10.128.2.0/24 proto 83 metric 1000").noneMatch(spec -> spec.startsWith("10.128.2.0/24"));
    SteeringPlan.State none = SteeringPlan.desired(Policies.plainOnePod(), Set.of());
    assertThat(specs(none)).containsExactly(
        "10.128.255.253/32 dev sgsteer0 proto 83 scope link metric 100",
        "10.128.255.254/32 dev sgsteer0 proto 83 scope link metric 100",
        "unreachable 10.128.1.0/24 proto 83 metric 1000",
        "unreachable 10.128.2.0/24 proto 83 metric 1000");
    assertThat(SteeringPlan.staleRouteKeys(List.of("10.128.1.0/24 proto 83 metric 100",
        "unreachable 10.128.1.0/24 proto 83 metric 1000", "10.128.9.0/24 proto 83 metric 100"), none))
        .containsExactly("10.128.1.0/24 proto 83 metric 100", "10.128.9.0/24 proto 83 metric 100");
  }

  @Test
  void aGateNodeSteersItsPodsToTheOtherGatesOnlyAndNeverProbesItself() {
    NodePolicy gateA = Policies.gateWithExposures();
    SteeringPlan.State state = SteeringPlan.desired(gateA, BOTH);
    assertThat(specs(state)).containsExactly(
        "10.128.255.253/32 dev sgsteer0 proto 83 scope link metric 100",
        "10.128.1.0/24 proto 83 metric 100 via 10.128.255.253 dev sgsteer0 onlink",
        "unreachable 10.128.1.0/24 proto 83 metric 1000",
        "10.128.2.0/24 proto 83 metric 100 via 10.128.255.253 dev sgsteer0 onlink",
        "unreachable 10.128.2.0/24 proto 83 metric 1000");
    assertThat(state.neighbours()).doesNotContainKeys(Policies.GATE_A_INNER, Ipv4.parse("198.18.0.2"));
    assertThat(SteeringPlan.gates(gateA)).extracting(NodePolicy.Gate::node).containsExactly("gate-b");
  }

  @Test
  void withoutSteeringNothingIsMade() {
    assertThat(SteeringPlan.desired(NodePolicy.closed("plain"), BOTH)).isEqualTo(SteeringPlan.State.NONE);
    assertThat(SteeringPlan.gates(NodePolicy.closed("plain"))).isEmpty();
  }

  @Test
  void theSteeringMacIsTheAddressBehindALocallyAdministeredPrefix() {
    assertThat(SteeringMac.of(Ipv4.parse("198.18.0.10"))).isEqualTo("02:53:c6:12:00:0a");
    assertThat(SteeringMac.of(Ipv4.parse("255.0.128.1"))).isEqualTo("02:53:ff:00:80:01");
  }

  private static List<String> specs(SteeringPlan.State state) {
    return state.routes().stream().map(SteeringPlan.Route::spec).toList();
  }
}
