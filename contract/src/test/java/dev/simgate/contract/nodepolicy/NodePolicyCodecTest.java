package dev.simgate.contract.nodepolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simgate.contract.agentconfig.ConfigException;
import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy.Access;
import dev.simgate.contract.nodepolicy.NodePolicy.Exposure;
import dev.simgate.contract.nodepolicy.NodePolicy.Gate;
import dev.simgate.contract.nodepolicy.NodePolicy.Protocol;
import dev.simgate.contract.nodepolicy.NodePolicy.Route;
import dev.simgate.contract.nodepolicy.NodePolicy.Steering;
import dev.simgate.contract.nodepolicy.NodePolicy.SteeringNode;
import dev.simgate.contract.nodepolicy.NodePolicy.Target;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NodePolicyCodecTest {

  static NodePolicy full() {
    return new NodePolicy("node-2",
        List.of(new Access("factory/sims", List.of(Ipv4.parse("10.88.2.5"), Ipv4.parse("10.88.2.9")),
            List.of(Cidr.parse("10.128.0.0/16")))),
        new Steering(4242, 8479, 1450, Ipv4.parse("198.51.100.12"), Cidr.parse("198.18.0.2/16"),
            List.of(new SteeringNode("node-1", Ipv4.parse("198.51.100.11"), Ipv4.parse("198.18.0.1"), true),
                new SteeringNode("node-2", Ipv4.parse("198.51.100.12"), Ipv4.parse("198.18.0.2"), false)),
            List.of(new Route(Cidr.parse("10.128.0.0/16"), List.of(new Gate("node-1", Ipv4.parse("10.255.255.1")))))),
        List.of(new Exposure("factory/sims/echo:80", Protocol.TCP, Ipv4.parse("10.255.255.1"), 8080,
            List.of(Cidr.parse("10.128.0.0/16")), List.of(new Target(Ipv4.parse("10.88.1.7"), 80)))));
  }

  @Test
  void whatIsWrittenParsesBackEqual() throws ConfigException {
    NodePolicy policy = full();
    String json = NodePolicyCodec.write(policy);
    assertThat(NodePolicyCodec.parse(json)).isEqualTo(policy);
    assertThat(NodePolicyCodec.write(NodePolicyCodec.parse(json))).as("stable text").isEqualTo(json);
    assertThat(NodePolicyCodec.parse(NodePolicyCodec.write(NodePolicy.closed("n")))).isEqualTo(NodePolicy.closed("n"));
  }

  @Test
  void aWrongFieldIsNamedByItsPath() {
    String json = NodePolicyCodec.write(full());
    assertThatThrownBy(() -> NodePolicyCodec.parse(json.replace("\"198.51.100.11\"", "\"198.51.100\"")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("node policy: steering.nodes[0].underlay: \"198.51.100\" is not an IPv4 address");
    assertThatThrownBy(() -> NodePolicyCodec.parse(json.replace("\"10.128.0.0/16\"]}],\"steering\"",
        "\"10.128.0.1/16\"]}],\"steering\"")))
        .hasMessage("node policy: access[0].destinations[0]: \"10.128.0.1/16\" is not an IPv4 network (a CIDR without"
            + " host bits)");
    assertThatThrownBy(() -> NodePolicyCodec.parse(json.replace("\"tcp\"", "\"sctp\"")))
        .hasMessage("node policy: exposures[0].protocol: must be tcp or udp, was 'sctp'");
    assertThatThrownBy(() -> NodePolicyCodec.parse(json.replace("\"10.88.1.7:80\"", "\"10.88.1.7:0\"")))
        .hasMessage("node policy: exposures[0].targets[0]: \"10.88.1.7:0\" is not an IPv4 address:port");
    assertThatThrownBy(() -> NodePolicyCodec.parse(json.replace("\"vni\":4242", "\"vni\":0")))
        .hasMessage("node policy: steering.vni: must be an integer 1..16777215, was 0");
    assertThatThrownBy(() -> NodePolicyCodec.parse("{\"access\":[]}")).hasMessage("node policy: node: missing");
    assertThatThrownBy(() -> NodePolicyCodec.parse("[]")).hasMessage("node policy: must be a JSON object");
    assertThatThrownBy(() -> NodePolicyCodec.parse("{")).hasMessageStartingWith("node policy is not JSON");
  }

  @Test
  void theGatesOfRoutesThatShareThemAreWrittenOnce() throws ConfigException {
    List<Gate> gates = IntStream.range(0, 1000)
        .mapToObj(i -> new Gate("gate-" + i, Ipv4.parse("10.255." + i / 250 + "." + (i % 250 + 1)))).toList();
    List<Route> routes = IntStream.range(0, 250)
        .mapToObj(i -> new Route(Cidr.parse("10.128." + i + ".0/24"), List.copyOf(gates))).toList();
    Steering steering = full().steering();
    NodePolicy policy = new NodePolicy("node-2", List.of(), new Steering(steering.vni(), steering.port(),
        steering.mtu(), steering.localAddress(), steering.address(), steering.nodes(), routes), List.of());

    String json = NodePolicyCodec.write(policy);

    assertThat(NodePolicyCodec.parse(json)).isEqualTo(policy);
    assertThat(json.split("\"gate-999\"", -1)).as("each gate once").hasSize(2);
    assertThat(json.length()).as("250 CIDRs to 1,000 gate nodes").isLessThan(80_000);
    assertThatThrownBy(() -> NodePolicyCodec.parse(json.replace("\"gates\":0", "\"gates\":1")))
        .hasMessage("node policy: steering.routes[0].gates: must be an integer 0..0, was 1");
  }

  @Test
  void aNodesOwnDocumentJoinedWithTheTableIsItsWholePolicyWithoutItsOwnGate() throws ConfigException {
    NodePolicy plain = full();
    String table = NodePolicyCodec.writeTable(plain.steering().nodes(), plain.steering().routes());
    String own = NodePolicyCodec.write(plain.withoutTable());

    assertThat(own).doesNotContain("198.51.100.11").as("no other node in a node's own document");
    assertThat(NodePolicyCodec.join(own, table)).isEqualTo(plain);
    assertThat(NodePolicyCodec.join(own, null)).as("no table yet").isEqualTo(plain.withoutTable());

    // node-1 is the gate: its own entry is left out of its routes (its agent routes the CIDR itself).
    NodePolicy gate = new NodePolicy("node-1", List.of(), new Steering(4242, 8479, 1450,
        Ipv4.parse("198.51.100.11"), Cidr.parse("198.18.0.1/16"), List.of(), List.of()), List.of());
    assertThat(NodePolicyCodec.join(NodePolicyCodec.write(gate), table).steering().routes())
        .singleElement().satisfies(route -> assertThat(route.gates()).isEmpty());
    assertThat(NodePolicyCodec.join(NodePolicyCodec.write(NodePolicy.closed("n")), table))
        .as("no steering: the table does not matter").isEqualTo(NodePolicy.closed("n"));
    assertThatThrownBy(() -> NodePolicyCodec.join(own, table.replace("\"198.18.0.1\"", "\"198.18.0\"")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("steering table: nodes[0].address: \"198.18.0\" is not an IPv4 address");
  }

  @Test
  void aNodesConfigMapIsNamedAfterIt() {
    assertThat(NodePolicy.configMapName("node-1")).isEqualTo("simgate-node-node-1");
    String longName = "n".repeat(240);
    assertThat(NodePolicy.configMapName(longName)).isEqualTo("simgate-node-" + longName).hasSize(253);
    String tooLong = "n".repeat(241);
    assertThat(NodePolicy.configMapName(tooLong)).hasSize(13 + 200 + 1 + 10).startsWith("simgate-node-nnn")
        .isNotEqualTo(NodePolicy.configMapName(tooLong + "x"));
  }
}
