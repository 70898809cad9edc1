package dev.simgate.contract.agentconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentConfigParserTest {
  private static final String STANDALONE = """
      vni: 10
      port: 4789
      localAddress: 198.51.100.2
      peers: [198.51.100.1, 198.51.100.3]
      interface:
        name: simgate0
        address: 10.128.255.254/9
        mtu: 1450
      routes: []
      admin:
        listen: 127.0.0.1:9464
      """;

  @Test
  void readsTheStandaloneShape() throws Exception {
    AgentConfig config = AgentConfigParser.parse(STANDALONE, null);
    assertThat(config.settings().vni()).isEqualTo(10);
    assertThat(config.settings().port()).isEqualTo(4789);
    assertThat(config.node().localAddress()).isEqualTo(Ipv4.parse("198.51.100.2"));
    assertThat(config.settings().vpgPeers()).containsExactly(Ipv4.parse("198.51.100.1"), Ipv4.parse("198.51.100.3"));
    assertThat(config.settings().interfaceName()).isEqualTo("simgate0");
    assertThat(config.node().interfaceAddress()).isEqualTo(Cidr.parseOrNull("10.128.255.254/9"));
    assertThat(config.settings().mtu()).isEqualTo(1450);
    assertThat(config.settings().routes()).isEmpty();
    assertThat(config.settings().admin()).isEqualTo(new Settings.Admin("127.0.0.1", 9464));
    assertThat(config.settings().macAgeing()).isEqualTo(Duration.ofSeconds(300));
    assertThat(config.settings().busyPoll()).as("sleeps at once by default").isZero();
    assertThat(config.settings().mssClamp()).as("clamps by default").isTrue();
    assertThat(AgentConfigParser.parse(STANDALONE + "mssClamp: false\n", null).settings().mssClamp()).isFalse();
    assertThat(config.settings().masquerade()).as("no NAT by default, as gate_init_vxlan.sh").isFalse();
    assertThat(AgentConfigParser.parse(STANDALONE + "masquerade: true\n", null).settings().masquerade()).isTrue();
    assertThat(AgentConfigParser.parse(STANDALONE + "busyPollMicros: 5000\n", null).settings().busyPoll()).isEqualTo(Duration.ofMillis(5));
    assertThat(config.settings().metricsListen()).as("no second admin endpoint by default").isNull();
    assertThat(config.settings().inbound()).as("the tunnel lets in only replies by default")
        .isEqualTo(Settings.Inbound.DENY);
    assertThat(AgentConfigParser.parse(STANDALONE + "inbound: open\n", null).settings().inbound())
        .isEqualTo(Settings.Inbound.OPEN);
  }

  @Test
  void probesEveryVpgPeerByArpForTheDeviceSubnetsFirstHostUnlessToldOtherwise() throws Exception {
    AgentConfig defaults = AgentConfigParser.parse(STANDALONE, null);
    assertThat(defaults.settings().probe()).isEqualTo(Settings.Probe.DEFAULT);
    assertThat(defaults.settings().probe().kind()).isEqualTo(Settings.Probe.Kind.ARP);
    assertThat(defaults.settings().probe().interval()).isEqualTo(Duration.ofMillis(100));
    assertThat(defaults.settings().probe().failureThreshold()).isEqualTo(3);
    assertThat(defaults.probeAddress()).isEqualTo(Ipv4.parse("10.128.0.1"));

    AgentConfig tuned = AgentConfigParser.parse(STANDALONE
        + "probe: {kind: none, address: 10.128.3.17, intervalMillis: 250, failureThreshold: 2}\n", null);
    assertThat(tuned.settings().probe()).isEqualTo(
        new Settings.Probe(Settings.Probe.Kind.NONE, Ipv4.parse("10.128.3.17"), Duration.ofMillis(250), 2));
    assertThat(tuned.probeAddress()).isEqualTo(Ipv4.parse("10.128.3.17"));

    assertThatThrownBy(() -> AgentConfigParser.parse(STANDALONE.replace("10.128.255.254/9", "10.128.0.1/9"), null))
        .as("the default would probe this node itself")
        .hasMessage("probe.address: '10.128.0.1' is this node's own inner address (the default, the device subnet's"
            + " first host): set probe.address");
  }

  @Test
  void readsASecondAdminEndpointForMetrics() throws Exception {
    AgentConfig config = AgentConfigParser.parse(STANDALONE.replace("listen: 127.0.0.1:9464",
        "{listen: 127.0.0.1:9464, metricsListen: 0.0.0.0:9465}").replace("admin:\n  {", "admin: {"), null);
    assertThat(config.settings().admin()).isEqualTo(new Settings.Admin("127.0.0.1", 9464));
    assertThat(config.settings().metricsListen()).isEqualTo(new Settings.Admin("0.0.0.0", 9465));
  }

  @Test
  void appliesDefaultsForOptionalKeys() throws Exception {
    AgentConfig config = AgentConfigParser.parse("""
        localAddress: 198.51.100.2
        peers: [198.51.100.1]
        interface: {address: 10.128.255.254/9}
        routes: [10.0.0.0/8]
        """, null);
    assertThat(config.settings().vni()).isEqualTo(10);
    assertThat(config.settings().port()).isEqualTo(4789);
    assertThat(config.settings().interfaceName()).isEqualTo("simgate0");
    assertThat(config.settings().mtu()).isEqualTo(1450);
    assertThat(config.settings().routes()).containsExactly(Cidr.parseOrNull("10.0.0.0/8"));
    assertThat(config.settings().admin().toString()).isEqualTo("127.0.0.1:9464");
  }

  @Test
  void picksThisNodesEntryInTheClusterShape() throws Exception {
    String cluster = """
        vni: 10
        peers: [100.64.152.4, 100.64.152.132]
        interface: {name: simgate0, mtu: 1400}
        nodes:
          node-a: {localAddress: 198.51.100.2, address: 10.128.255.254/9}
          node-b: {localAddress: 198.51.100.4, address: 10.128.255.253/9}
        """;
    AgentConfig b = AgentConfigParser.parse(cluster, "node-b");
    assertThat(b.node().localAddress()).isEqualTo(Ipv4.parse("198.51.100.4"));
    assertThat(b.node().interfaceAddress()).isEqualTo(Cidr.parseOrNull("10.128.255.253/9"));
    assertThat(b.settings().mtu()).isEqualTo(1400);

    assertThatThrownBy(() -> AgentConfigParser.parse(cluster, "node-c"))
        .as("a missing entry is awaited, not fatal")
        .isInstanceOf(MissingNodeEntryException.class)
        .hasMessage("nodes: no entry for node 'node-c' (entries: [node-a, node-b])");
    assertThatThrownBy(() -> AgentConfigParser.parse(cluster, null))
        .isNotInstanceOf(MissingNodeEntryException.class)
        .hasMessageStartingWith("nodes: the config has per-node entries but no node name was given");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      interface.address: '10.0.0.1/33' is not an IPv4 CIDR    | interface: {address: 10.0.0.1/33}
      interface.address: '10.0.0.1' is not an IPv4 CIDR       | interface: {address: 10.0.0.1}
      vni: 0 is out of range 1..16777215                       | vni: 0
      vni: 16777216 is out of range 1..16777215                | vni: 16777216
      vni: 'ten' is not an integer                             | vni: ten
      port: 70000 is out of range 1..65535                     | port: 70000
      localAddress: '198.51.100.256' is not an IPv4 address    | localAddress: 198.51.100.256
      peers[1]: 'vpg.example' is not an IPv4 address          | peers: [198.51.100.1, vpg.example]
      peers[1]: '198.51.100.1' is listed twice                 | peers: [198.51.100.1, 198.51.100.1]
      peers[0]: '198.51.100.2' is this node's own localAddress | peers: [198.51.100.2]
      peers: must be a non-empty list of IPv4 addresses        | peers: []
      interface.mtu: 9500 is out of range 576..9000            | interface: {address: 10.128.255.254/9, mtu: 9500}
      interface.name: 'a/b' is not a valid interface name (1-15 of A-Z a-z 0-9 _ . -) | interface: {name: a/b, address: 10.128.255.254/9}
      routes[0]: '10.1.2.3/8' has host bits set (did you mean 10.0.0.0/8?) | routes: [10.1.2.3/8]
      admin.listen: 'localhost' is not an IPv4 host:port (e.g. 127.0.0.1:9464) | admin: {listen: localhost}
      interface.colour: unknown key (known: [address, mtu, name]) | interface: {address: 10.128.255.254/9, colour: blue}
      peer: unknown key (known: [admin, busyPollMicros, inbound, interface, localAddress, macAgeingSeconds, masquerade, mssClamp, nodes, peers, port, probe, routes, vni]) | peer: 198.51.100.1
      busyPollMicros: 100001 is out of range 0..100000         | busyPollMicros: 100001
      busyPollMicros: -1 is out of range 0..100000             | busyPollMicros: -1
      mssClamp: 'yes please' is not true or false              | mssClamp: yes please
      masquerade: 1 is not true or false                       | masquerade: 1
      inbound: 'closed' is not one of [deny, open]             | inbound: closed
      inbound: 1 is not a string                               | inbound: 1
      probe.kind: 'icmp' is not one of [arp, none]             | probe: {kind: icmp}
      probe.address: '192.0.2.1' is not in the device subnet 10.128.0.0/9 (ARP reaches only the overlay's own addresses) | probe: {address: 192.0.2.1}
      probe.address: '10.128.255.254' is this node's own inner address | probe: {address: 10.128.255.254}
      probe.intervalMillis: 5 is out of range 10..60000         | probe: {intervalMillis: 5}
      probe.failureThreshold: 0 is out of range 1..100         | probe: {failureThreshold: 0}
      probe.timeout: unknown key (known: [address, failureThreshold, intervalMillis, kind]) | probe: {timeout: 1}
      admin.metricsListen: ':9465' is not an IPv4 host:port (e.g. 127.0.0.1:9464) | admin: {listen: 127.0.0.1:9464, metricsListen: ':9465'}
      admin.metricsListen: must differ from admin.listen (127.0.0.1:9464) | admin: {listen: 127.0.0.1:9464, metricsListen: 127.0.0.1:9464}
      """)
  void namesTheBadKey(String message, String override) {
    assertThatThrownBy(() -> AgentConfigParser.parse(withOverride(override), null)).hasMessage(message);
  }

  @Test
  void reportsMissingRequiredKeysAndBrokenYaml() {
    assertThatThrownBy(() -> AgentConfigParser.parse("peers: [198.51.100.1]\ninterface: {address: 10.128.255.254/9}\n", null))
        .hasMessage("localAddress: is required");
    assertThatThrownBy(() -> AgentConfigParser.parse("localAddress: 198.51.100.2\ninterface: {address: 10.1.1.1/9}\n", null))
        .hasMessage("peers: is required (the VPG peers' outer IPs)");
    assertThatThrownBy(() -> AgentConfigParser.parse("", null)).hasMessage("the config is empty");
    assertThatThrownBy(() -> AgentConfigParser.parse("vni: [", null)).hasMessageStartingWith("not valid YAML");
    assertThatThrownBy(() -> AgentConfigParser.parse("- a\n- b\n", null)).hasMessage("(top level): must be a mapping, not a list");
  }

  /** The standalone example with one top-level key replaced by {@code override}. */
  private static String withOverride(String override) {
    String key = override.substring(0, override.indexOf(':'));
    List<String> lines = new java.util.ArrayList<>();
    boolean skipping = false;
    for (String line : STANDALONE.split("\n")) {
      boolean topLevel = !line.startsWith(" ");
      if (topLevel) {
        skipping = line.startsWith(key + ":");
      }
      if (!skipping) {
        lines.add(line);
      }
    }
    lines.add(override);
    return String.join("\n", lines) + "\n";
  }
}
