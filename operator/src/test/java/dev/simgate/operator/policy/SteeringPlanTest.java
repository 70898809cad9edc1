package dev.simgate.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy.SteeringNode;
import dev.simgate.operator.Fixtures;
import dev.simgate.operator.routes.ClusterRanges;
import io.fabric8.kubernetes.api.model.Node;

class SteeringPlanTest {
  static final ClusterRanges NONE = ClusterRanges.of(List.of(), Stream.empty(), Stream.empty());

  @Test
  void everyNodeWithAnUnderlayAndASteeringAddressIsAMember() {
    Node one = Fixtures.node("node-1", "192.0.2.11", true);
    Node two = Fixtures.node("node-2", "192.0.2.12", false);
    Node noAddress = Fixtures.node("node-3", "192.0.2.13", false);
    noAddress.getStatus().setAddresses(List.of());
    Node notYet = Fixtures.node("node-4", "192.0.2.14", false);
    SteeringPlan plan = SteeringPlan.of(PolicySettings.DEFAULT, List.of(two, one, noAddress, notYet),
        Map.of("node-1", Ipv4.parse("198.18.0.1"), "node-2", Ipv4.parse("198.18.0.2"), "node-3",
            Ipv4.parse("198.18.0.3")), Set.of("node-1"), NONE, Map.of("vpg", Cidr.parse("10.128.0.0/9")));
    assertThat(plan.problem()).isNull();
    assertThat(plan.members()).containsExactly(
        new SteeringNode("node-1", Ipv4.parse("192.0.2.11"), Ipv4.parse("198.18.0.1"), true),
        new SteeringNode("node-2", Ipv4.parse("192.0.2.12"), Ipv4.parse("198.18.0.2"), false));
    assertThat(plan.steers("node-3")).isFalse();
    assertThat(plan.forNode("node-4")).isNull();
  }

  @Test
  void aPoolOverlappingAClusterRangeOrAVpgsDeviceSubnetIsNotUsed() {
    Cidr pool = Cidr.parse("198.18.0.0/16");
    assertThat(SteeringPlan.poolProblem(pool, NONE, Map.of("vpg", Cidr.parse("10.128.0.0/9")))).isEmpty();
    assertThat(SteeringPlan.poolProblem(pool, ClusterRanges.of(List.of(Cidr.parse("198.18.4.0/24")), Stream.empty(),
        Stream.empty()), Map.of())).get().asString().contains("198.18.4.0/24", "--cluster-cidrs");
    assertThat(SteeringPlan.poolProblem(pool, NONE, Map.of("lab", Cidr.parse("198.16.0.0/14")))).get().asString()
        .contains("deviceSubnet 198.16.0.0/14", "'lab'");
  }
}
