package dev.simgate.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.simgate.operator.Fixtures;
import dev.simgate.contract.net.Cidr;

class AgentConfigRendererTest {
  @Test
  void rendersClusterShapeWithPerNodeAddresses() throws Exception {
    var vpg = Fixtures.vpg("vpg").getSpec();
    vpg.mtu = 1400;
    String yaml = AgentConfigRenderer.render(vpg, "simgate0",
        List.of(Cidr.parse("10.129.0.0/16"), Cidr.parse("10.128.0.0/16"), Cidr.parse("10.128.0.0/16")),
        List.of(new NodeEndpoint("node-b", "198.51.100.3", "10.255.255.2"),
            new NodeEndpoint("node-a", "198.51.100.2", "10.255.255.1")));

    @SuppressWarnings("unchecked")
    Map<String, Object> config = new YAMLMapper().readValue(yaml, Map.class);
    assertThat(config).containsOnlyKeys("vni", "port", "peers", "interface", "routes", "admin", "masquerade", "nodes");
    assertThat(config).containsEntry("vni", 10).containsEntry("port", 4789)
        .containsEntry("peers", List.of("100.64.152.4", "100.64.152.132"))
        .containsEntry("interface", Map.of("name", "simgate0", "mtu", 1400))
        .containsEntry("routes", List.of("10.128.0.0/16", "10.129.0.0/16"))
        .containsEntry("admin", Map.of("listen", "127.0.0.1:9464", "metricsListen", "0.0.0.0:9465"))
        .containsEntry("masquerade", true);
    assertThat(config.get("nodes")).isEqualTo(Map.of(
        "node-a", Map.of("localAddress", "198.51.100.2", "address", "10.255.255.1/9"),
        "node-b", Map.of("localAddress", "198.51.100.3", "address", "10.255.255.2/9")));
  }

  @Test
  void theVpgsProbeSettingsReachTheAgentsEachUnsetOneTheDefault() throws Exception {
    var vpg = Fixtures.vpg("vpg").getSpec();
    var nodes = List.of(new NodeEndpoint("node-a", "198.51.100.2", "10.255.255.1"));
    assertThat(AgentConfigRenderer.render(vpg, "simgate0", List.of(), nodes)).doesNotContain("probe");
    vpg.probe = new dev.simgate.operator.api.v1alpha1.VpgProbe();
    vpg.probe.address = "10.128.0.9";
    vpg.probe.intervalMillis = 200;
    var probe = dev.simgate.contract.agentconfig.AgentConfigParser.parse(
        AgentConfigRenderer.render(vpg, "simgate0", List.of(), nodes), "node-a").settings().probe();
    assertThat(probe.address()).hasToString("10.128.0.9");
    assertThat(probe.interval()).hasMillis(200);
    assertThat(probe.failureThreshold()).isEqualTo(3);
    assertThat(probe.kind()).isEqualTo(dev.simgate.contract.agentconfig.Settings.Probe.Kind.ARP);
  }

  @Test
  void outputIsDeterministic() {
    var vpg = Fixtures.vpg("vpg").getSpec();
    var a = AgentConfigRenderer.render(vpg, "simgate0", List.of(), List.of(
        new NodeEndpoint("x", "198.51.100.2", "10.255.255.1"), new NodeEndpoint("y", "198.51.100.3", "10.255.255.2")));
    var b = AgentConfigRenderer.render(vpg, "simgate0", List.of(), List.of(
        new NodeEndpoint("y", "198.51.100.3", "10.255.255.2"), new NodeEndpoint("x", "198.51.100.2", "10.255.255.1")));
    assertThat(a).isEqualTo(b);
  }
}
