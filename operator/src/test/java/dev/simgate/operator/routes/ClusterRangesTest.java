package dev.simgate.operator.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.Fixtures;
import dev.simgate.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDRBuilder;

class ClusterRangesTest {
  private static Node node(String name, String... podCidrs) {
    Node node = Fixtures.node(name, "192.0.2.1", false);
    node.setSpec(new NodeSpec());
    node.getSpec().setPodCIDRs(List.of(podCidrs));
    return node;
  }

  private static ServiceCIDR serviceCidr(String name, String... cidrs) {
    return new ServiceCIDRBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withCidrs(cidrs).endSpec().build();
  }

  @Test
  void rangesComeFromNodesServiceCidrsAndTheOperatorsSetting() {
    Node legacy = Fixtures.node("old", "192.0.2.2", false);
    legacy.setSpec(new NodeSpec());
    legacy.getSpec().setPodCIDR("10.244.7.0/24");
    ClusterRanges ranges = ClusterRanges.of(List.of(Cidr.parse("10.233.64.0/18")),
        Stream.of(node("n1", "10.244.1.0/24", "fd00:1::/64"), legacy, Fixtures.node("kwok", "192.0.2.3", false)),
        Stream.of(serviceCidr("kubernetes", "10.96.0.0/16", "fd00:2::/108")));

    assertThat(ranges.ranges()).extracting(r -> r.toString()).containsExactly(
        "10.233.64.0/18 (operator setting --cluster-cidrs)",
        "10.96.0.0/16 (Service range, ServiceCIDR kubernetes)",
        "10.244.1.0/24 (pod range of Node n1)",
        "10.244.7.0/24 (pod range of Node old)");
    assertThat(ranges.overlapping(Cidr.parse("10.244.0.0/16"))).get()
        .extracting(r -> r.cidr().toString()).isEqualTo("10.244.1.0/24");
    assertThat(ranges.overlapping(Cidr.parse("10.128.0.0/16"))).isEmpty();
  }

  @Test
  void aCollisionNamesTheFieldTheRangeAndWhereItComesFrom() {
    // Flannel's default pod network lies inside SORACOM's default device subnet.
    ClusterRanges ranges = ClusterRanges.of(List.of(), Stream.of(node("n1", "10.244.1.0/24")), Stream.empty());
    var problem = ranges.collision("deviceSubnet of VirtualPrivateGateway 'soracom'", List.of(Cidr.parse("10.128.0.0/9")))
        .orElseThrow();
    assertThat(problem.reason()).isEqualTo(Problem.CLUSTER_RANGE_OVERLAP);
    assertThat(problem.message()).contains("deviceSubnet of VirtualPrivateGateway 'soracom' 10.128.0.0/9",
        "pod range of Node n1 10.244.1.0/24");
    assertThat(ranges.collision("spec.cidrs:", List.of(Cidr.parse("10.128.0.0/16")))).isEmpty();
  }
}
