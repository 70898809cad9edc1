package dev.simgate.contract.agentconfig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AgentConfigWriterTest {
  private static final Settings SETTINGS = Settings.defaults(List.of(Ipv4.parse("198.51.100.1"), Ipv4.parse("198.51.100.3")));
  private static final NodeAddresses NODE = new NodeAddresses(Ipv4.parse("198.51.100.2"), Cidr.parse("10.128.255.254/9"));

  @Test
  void writesTheStandaloneShapeAsTheDocsShowIt() {
    assertThat(AgentConfigWriter.write(new AgentConfig(SETTINGS, NODE))).isEqualTo("""
        vni: 10
        port: 4789
        localAddress: 198.51.100.2
        peers:
        - 198.51.100.1
        - 198.51.100.3
        interface:
          name: simgate0
          address: 10.128.255.254/9
        routes: []
        admin:
          listen: 127.0.0.1:9464
        """);
  }

  @Test
  void whatIsWrittenParsesBackToTheSameConfig() throws ConfigException {
    Settings tuned = new Settings(77, 4790, SETTINGS.vpgPeers(), "sg1", 1400, List.of(Cidr.parse("192.0.2.0/24")),
        new Settings.Admin("0.0.0.0", 9000), Duration.ofSeconds(60), Duration.ofNanos(5_000_000), false, true,
        new Settings.Probe(Settings.Probe.Kind.NONE, Ipv4.parse("10.128.0.9"), Duration.ofMillis(300), 5),
        new Settings.Admin("0.0.0.0", 9001), Settings.Inbound.OPEN);
    for (Settings settings : List.of(SETTINGS, tuned)) {
      AgentConfig config = new AgentConfig(settings, NODE);
      assertThat(AgentConfigParser.parse(AgentConfigWriter.write(config), null)).isEqualTo(config);

      var cluster = new ClusterConfig(settings, new TreeMap<>(Map.of("node-b", NODE,
          "node-a", new NodeAddresses(Ipv4.parse("198.51.100.4"), Cidr.parse("10.128.255.253/9")))));
      String yaml = AgentConfigWriter.write(cluster);
      assertThat(AgentConfigParser.parse(yaml, "node-b")).isEqualTo(config);
      assertThat(yaml.indexOf("node-a")).as("nodes in name order").isLessThan(yaml.indexOf("node-b"));
    }
  }

  @Test
  void tuningKeysAppearOnlyWhenChanged() {
    String defaults = AgentConfigWriter.write(new AgentConfig(SETTINGS, NODE));
    assertThat(defaults).doesNotContain("mtu", "macAgeingSeconds", "busyPollMicros", "mssClamp", "masquerade", "probe",
        "metricsListen", "inbound");
    assertThat(AgentConfigWriter.write(new AgentConfig(SETTINGS.withInbound(Settings.Inbound.OPEN), NODE)))
        .contains("inbound: open\n");
    String changed = AgentConfigWriter.write(new AgentConfig(SETTINGS.withMtu(1400).withMasquerade(true), NODE));
    assertThat(changed).contains("  mtu: 1400\n", "masquerade: true\n").doesNotContain("mssClamp");
    String probe = AgentConfigWriter.write(new AgentConfig(SETTINGS.withProbe(
        Settings.Probe.DEFAULT.withAddress(Ipv4.parse("10.128.0.2"))), NODE));
    assertThat(probe).contains("probe:\n  address: 10.128.0.2\n").doesNotContain("intervalMillis", "kind");
  }
}
