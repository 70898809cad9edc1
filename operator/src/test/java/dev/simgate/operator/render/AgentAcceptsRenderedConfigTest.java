package dev.simgate.operator.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.simgate.agent.config.AgentConfig;
import dev.simgate.agent.config.ConfigException;
import dev.simgate.agent.config.ConfigParser;
import dev.simgate.operator.Fixtures;
import dev.simgate.operator.ipam.Ipv4Cidr;

/**
 * The seam between the two halves of SimGate: what the operator writes into the agent ConfigMap is parsed by the
 * agent's own parser (not a copy of its rules), and each node gets its own outer and inner address.
 */
class AgentAcceptsRenderedConfigTest {
  private static final List<NodeEndpoint> NODES = List.of(
      new NodeEndpoint("node-a", "198.51.100.2", "10.255.255.1"),
      new NodeEndpoint("node-b", "198.51.100.3", "10.255.255.2"));

  @Test
  void everyNodeParsesItsOwnEntry() throws ConfigException {
    var vpg = Fixtures.vpg("vpg").getSpec();
    vpg.mtu = 1400;
    String yaml = AgentConfigRenderer.render(vpg, "sg0", List.of(Ipv4Cidr.parse("10.128.0.0/16")), NODES);

    AgentConfig a = ConfigParser.parse(yaml, "node-a");
    assertThat(a.localAddress()).hasToString("198.51.100.2");
    assertThat(a.iface().address()).hasToString("10.255.255.1/9");
    assertThat(a.iface().name()).isEqualTo("sg0");
    assertThat(a.iface().mtu()).isEqualTo(1400);
    assertThat(a.vni()).isEqualTo(10);
    assertThat(a.port()).isEqualTo(4789);
    assertThat(a.peers()).map(Object::toString).containsExactly("100.64.152.4", "100.64.152.132");
    assertThat(a.routes()).map(Object::toString).containsExactly("10.128.0.0/16");
    assertThat(a.masquerade()).as("pods on gate nodes reach SIMs as the node").isTrue();
    assertThat(a.mssClamp()).isTrue();
    assertThat(a.admin().port()).as("probes reach the admin port on the node IP").isEqualTo(9464);
    assertThat(a.admin().host()).isEqualTo("0.0.0.0");

    AgentConfig b = ConfigParser.parse(yaml, "node-b");
    assertThat(b.localAddress()).hasToString("198.51.100.3");
    assertThat(b.iface().address()).hasToString("10.255.255.2/9");
  }

  @Test
  void aNodeWithoutAnEntryIsToldWhichEntriesExist() {
    String yaml = AgentConfigRenderer.render(Fixtures.vpg("vpg").getSpec(), "simgate0", List.of(), NODES);
    assertThatThrownBy(() -> ConfigParser.parse(yaml, "node-c"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("node-c")
        .hasMessageContaining("node-a");
  }
}
