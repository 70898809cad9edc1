package dev.simgate.operator.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.ConfigException;
import dev.simgate.contract.agentconfig.AgentConfigParser;
import dev.simgate.operator.Fixtures;
import dev.simgate.contract.net.Cidr;

/**
 * The seam between the two halves of SimGate: what the operator writes into the agent ConfigMap is parsed by the
 * parser the agent runs (the shared contract module, not a copy of its rules), and each node gets its own outer and
 * inner address.
 */
class AgentAcceptsRenderedConfigTest {
  private static final List<NodeEndpoint> NODES = List.of(
      new NodeEndpoint("node-a", "198.51.100.2", "10.255.255.1"),
      new NodeEndpoint("node-b", "198.51.100.3", "10.255.255.2"));

  @Test
  void everyNodeParsesItsOwnEntry() throws ConfigException {
    var vpg = Fixtures.vpg("vpg").getSpec();
    vpg.mtu = 1400;
    String yaml = AgentConfigRenderer.render(vpg, "sg0", List.of(Cidr.parse("10.128.0.0/16")), NODES);

    AgentConfig a = AgentConfigParser.parse(yaml, "node-a");
    assertThat(a.node().localAddress()).hasToString("198.51.100.2");
    assertThat(a.node().interfaceAddress()).hasToString("10.255.255.1/9");
    assertThat(a.settings().interfaceName()).isEqualTo("sg0");
    assertThat(a.settings().mtu()).isEqualTo(1400);
    assertThat(a.settings().vni()).isEqualTo(10);
    assertThat(a.settings().port()).isEqualTo(4789);
    assertThat(a.settings().vpgPeers()).map(Object::toString).containsExactly("100.64.152.4", "100.64.152.132");
    assertThat(a.settings().routes()).map(Object::toString).containsExactly("10.128.0.0/16");
    assertThat(a.settings().masquerade()).as("pods on gate nodes reach SIMs as the node").isTrue();
    assertThat(a.settings().mssClamp()).isTrue();
    assertThat(a.settings().admin()).as("the kubelet's probes reach the node's loopback")
        .hasToString("127.0.0.1:9464");
    assertThat(a.settings().metricsListen()).as("the scraper and the operator read metrics and status")
        .hasToString("0.0.0.0:9465");

    AgentConfig b = AgentConfigParser.parse(yaml, "node-b");
    assertThat(b.node().localAddress()).hasToString("198.51.100.3");
    assertThat(b.node().interfaceAddress()).hasToString("10.255.255.2/9");
  }

  @Test
  void aNodeWithoutAnEntryIsToldWhichEntriesExist() {
    String yaml = AgentConfigRenderer.render(Fixtures.vpg("vpg").getSpec(), "simgate0", List.of(), NODES);
    assertThatThrownBy(() -> AgentConfigParser.parse(yaml, "node-c"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("node-c")
        .hasMessageContaining("node-a");
  }
}
