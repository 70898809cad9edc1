package dev.simgate.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.AgentConfigWriter;
import dev.simgate.contract.agentconfig.ClusterConfig;
import dev.simgate.contract.agentconfig.NodeAddresses;
import dev.simgate.contract.agentconfig.Settings;
import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Config reload without recreating the interface, refusal of a bad config, and clean exit on SIGTERM. */
class AgentLifecycleLabIT {
  private static final String APPLIED = "simgate_config_reloads_total{result=\"applied\"}";
  private static final String REJECTED = "simgate_config_reloads_total{result=\"rejected\"}";
  private static final String TX_VPG2 = "simgate_tx_packets_total{peer=\"" + Lab.VPG2_OUTER + "\"}";
  private static final Cidr ROUTE = Cidr.parse("192.0.2.0/24");

  private AgentInLab env;
  private Lab lab;
  private AgentProcess agent;

  @AfterEach
  void down() {
    if (env != null) {
      env.close();
      return;
    }
    if (agent != null) {
      agent.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  private void start(int vpgs, UnaryOperator<Settings> edit) throws IOException {
    env = AgentInLab.start(Lab.Options.agent(vpgs), c -> c.withSettings(edit.apply(c.settings())));
    lab = env.lab();
    agent = env.agent();
  }

  @Test
  void aChangedConfigIsAppliedInPlaceAndABadOneIsRefused() throws IOException {
    // Start with VPG peer 1 only: nothing is sent to peer 2.
    start(2, s -> s.withVpgPeers(List.of(Ipv4.parse(Lab.VPG1_OUTER))));
    AgentConfig config = lab.agentConfig();
    var traffic = env.traffic();
    String ifindex = ifindex();
    assertThat(agent.metrics()).doesNotContainKey(TX_VPG2);

    assertThat(mssClamp()).contains("maxseg size set 1410");
    AgentConfig changed = config.withSettings(config.settings().withMtu(1400).withRoutes(List.of(ROUTE)));
    agent.writeConfig(changed);
    await().atMost(Duration.ofSeconds(10)).until(() -> agent.metric(APPLIED) == 1);
    assertThat(link()).contains("mtu 1400");
    assertThat(lab.run("node", "ip", "-d", "link", "show", "dev", "simgate0")).as("super-frames sized for the new MTU")
        .contains("gso_max_segs 46 ");
    assertThat(mssClamp()).as("MSS clamp follows the MTU").contains("maxseg size set 1360")
        .doesNotContain("maxseg size set 1410");
    assertThat(lab.run("node", "ip", "route", "show", "192.0.2.0/24")).contains("dev simgate0");
    assertThat(ifindex()).as("interface not recreated").isEqualTo(ifindex);
    assertThat(traffic.ping("node", Lab.SIM2, 3)).as("SIM behind the new peer reachable").isTrue();
    assertThat(agent.metric(TX_VPG2)).isPositive();

    agent.writeConfig(changed.withSettings(changed.settings().withVni(0).withMtu(1300)));
    await().atMost(Duration.ofSeconds(10)).until(() -> agent.metric(REJECTED) == 1);
    assertThat(agent.log()).contains("config change refused").contains("vni: 0 is out of range 1..16777215");
    assertThat(link()).contains("mtu 1400");
    assertThat(traffic.ping("node", Lab.SIM1, 2)).as("old config still forwards").isTrue();
    assertThat(agent.metric(APPLIED)).isEqualTo(1);
  }

  @Test
  void sigtermRemovesTheInterfaceAndItsRoutes() throws IOException {
    start(1, s -> s.withRoutes(List.of(ROUTE)));
    assertThat(link()).contains("simgate0");
    assertThat(lab.run("node", "ip", "route", "show", "192.0.2.0/24")).contains("dev simgate0");

    agent.terminate(Duration.ofSeconds(15));

    assertThat(lab.exec("node", "ip", "link", "show", "dev", "simgate0").ok()).as("simgate0 still exists").isFalse();
    assertThat(lab.run("node", "ip", "route", "show", "192.0.2.0/24")).isBlank();
    assertThat(lab.run("node", "ss", "-Hlun", "sport = :4789")).as("socket still bound").isBlank();
    assertThat(lab.run("node", "nft", "list", "tables")).as("MSS clamp table left behind").doesNotContain("simgate");
    assertThat(agent.log()).contains("data plane removed").contains("removed=\"true\"");
  }

  @Test
  void anInterfaceDeletedBehindTheAgentsBackMakesItExitForARestart() throws IOException {
    start(1, s -> s.withRoutes(List.of(ROUTE)));
    lab.run("node", "ip", "link", "del", "dev", "simgate0");

    assertThat(agent.awaitExit(Duration.ofSeconds(15))).as("exit code").isEqualTo(1);
    assertThat(agent.log()).contains("the TAP device failed");
    assertThat(lab.run("node", "ip", "route", "show", "192.0.2.0/24")).isBlank();
    assertThat(lab.run("node", "nft", "list", "tables")).doesNotContain("simgate");
  }

  @Test
  void anInvalidConfigAtStartIsRefusedNamingTheKey() throws IOException {
    lab = Lab.up(Lab.Options.agent(1));
    // No record holds a /33: break the one key in the written tree.
    ObjectNode tree = AgentConfigWriter.tree(lab.agentConfig());
    ((ObjectNode) tree.get("interface")).put("address", "10.128.255.254/33");
    String bad = AgentConfigWriter.text(tree);
    var error = org.assertj.core.api.Assertions.catchThrowable(() -> AgentProcess.start(lab, bad));
    assertThat(error).hasMessageContaining("interface.address: '10.128.255.254/33' is not an IPv4 CIDR");
    assertThat(lab.exec("node", "ip", "link", "show", "dev", "simgate0").ok()).isFalse();
  }

  @Test
  void inTheClusterShapeTheAgentWaitsForItsNodesEntryThenForwards() throws IOException {
    lab = Lab.up(Lab.Options.agent(1));
    Settings settings = lab.agentConfig().settings();
    var nodes = new TreeMap<String, NodeAddresses>(Map.of("other-node",
        new NodeAddresses(Ipv4.parse("198.51.100.9"), Cidr.parse("10.128.255.253/9"))));
    agent = AgentProcess.launch(lab, AgentConfigWriter.write(new ClusterConfig(settings, nodes)), "--node", "gate-1");

    await().atMost(Duration.ofSeconds(20)).until(() -> agent.log().contains("waiting for this node's entry"));
    assertThat(agent.log()).contains("no entry for node 'gate-1' (entries: [other-node])");
    assertThat(agent.isAlive()).as("waits instead of exiting").isTrue();
    assertThat(lab.exec("node", "ip", "link", "show", "dev", "simgate0").ok()).as("nothing set up yet").isFalse();

    nodes.put("gate-1", Lab.NODE);
    agent.writeConfig(AgentConfigWriter.write(new ClusterConfig(settings, nodes)));
    agent.awaitReady(Duration.ofSeconds(30));
    assertThat(new Traffic(lab).ping("node", Lab.SIM1, 3)).as("forwards once its entry arrived").isTrue();
  }

  /** The agent's nftables table on the node (fails if there is none). */
  private String mssClamp() throws IOException {
    return lab.run("node", "nft", "list", "table", "inet", "simgate_simgate0");
  }

  private String link() throws IOException {
    return lab.run("node", "ip", "-o", "link", "show", "dev", "simgate0");
  }

  private String ifindex() throws IOException {
    return link().split(":")[0];
  }
}
