package dev.simgate.operator.gatepeer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.simgate.operator.Fixtures;
import dev.simgate.operator.api.v1alpha1.NodeStatus;
import dev.simgate.operator.api.v1alpha1.OuterAddress;
import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.render.AgentImage;

class GatePeerPlannerTest {
  @Test
  void nodesWithoutOuterAddressAreReportedAndLeftOutOfTheConfig() throws Exception {
    var peer = Fixtures.gatePeer("gp", "vpg", "10.255.255.0/24");
    peer.getSpec().outerAddress = new OuterAddress(OuterAddress.Source.Annotation, "simgate.dev/outer");
    var withAnnotation = Fixtures.node("a", "192.0.2.1", true);
    withAnnotation.getMetadata().getAnnotations().put("simgate.dev/outer", "203.0.113.9");
    var without = Fixtures.node("b", "192.0.2.2", true);

    var plan = GatePeerPlanner.plan(peer, "ns", AgentImage.DEFAULT, Fixtures.vpg("vpg"), List.of(withAnnotation, without),
        List.of(Cidr.parse("10.128.0.0/16")), Set.of(), Map.of());

    assertThat(plan.missingOuter()).containsExactly("b");
    assertThat(plan.nodes()).extracting(NodeStatus::name, NodeStatus::outerAddress, NodeStatus::innerAddress)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", "203.0.113.9", "10.255.255.1"),
            org.assertj.core.groups.Tuple.tuple("b", null, "10.255.255.2"));
    @SuppressWarnings("unchecked")
    Map<String, Object> config = new YAMLMapper().readValue(plan.agentYaml(), Map.class);
    assertThat((Map<String, Object>) config.get("nodes")).containsOnlyKeys("a");
  }

  @Test
  void nodesClaimedByAnOlderGatePeerGetNoAddressAndNoConfig() throws Exception {
    var peer = Fixtures.gatePeer("gp", "vpg", "10.255.255.0/24");
    var plan = GatePeerPlanner.plan(peer, "ns", AgentImage.DEFAULT, Fixtures.vpg("vpg"),
        List.of(Fixtures.node("a", "192.0.2.1", true), Fixtures.node("b", "192.0.2.2", true)),
        List.of(), Set.of(), Map.of("a", "older"));

    assertThat(plan.claimed()).containsEntry("a", "older");
    assertThat(plan.nodes().getFirst().innerAddress()).isNull();
    assertThat(plan.nodes().getFirst().message()).contains("GatePeer 'older'");
    assertThat(plan.nodes().get(1).innerAddress()).isEqualTo("10.255.255.1");
    @SuppressWarnings("unchecked")
    Map<String, Object> config = new YAMLMapper().readValue(plan.agentYaml(), Map.class);
    assertThat((Map<String, Object>) config.get("nodes")).containsOnlyKeys("b");
  }
}
