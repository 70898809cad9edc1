package dev.simgate.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.AgentConfigWriter;
import dev.simgate.contract.agentconfig.ClusterConfig;
import dev.simgate.contract.agentconfig.NodeAddresses;
import dev.simgate.contract.agentconfig.Settings;
import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Never ready on a config that is not in force (issue 11, item 7): a change that needs a restart is refused loudly, a
 * node entry that leaves the cluster config takes the data plane (and its inner address) with it, and a change the
 * host refuses for a while is rolled back completely and retried until it is in force.
 */
class AgentConfigInForceLabIT {
  private static final Duration SOON = Duration.ofSeconds(30);
  private static final Cidr ROUTE = Cidr.parse("192.0.2.0/24");

  private Lab lab;
  private AgentProcess agent;

  @AfterEach
  void down() {
    if (agent != null) {
      agent.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void aChangeThatNeedsARestartIsRefusedAndTheAgentSaysItIsNotReady() throws IOException {
    lab = Lab.up(Lab.Options.agent(1));
    AgentConfig config = lab.agentConfig();
    agent = AgentProcess.start(lab, config);

    agent.writeConfig(config.withSettings(config.settings().withInterfaceName("simgate9")));
    await().atMost(SOON).until(() -> agent.readyz().startsWith("503"));
    assertThat(agent.readyz()).contains("config not in force: interface.name: cannot change from 'simgate0' to"
        + " 'simgate9' while running (restart the agent)");
    assertThat(agent.log()).contains("config change refused");
    assertThat(new Traffic(lab).ping("node", Lab.SIM1, 2)).as("the running config still forwards").isTrue();

    agent.writeConfig(config); // back to what is in force
    await().atMost(SOON).until(() -> agent.readyz().startsWith("200"));
  }

  @Test
  void aNodeEntryThatLeavesTheClusterConfigTakesTheInnerAddressAlong() throws IOException {
    lab = Lab.up(Lab.Options.agent(1));
    Settings settings = lab.agentConfig().settings();
    var nodes = new TreeMap<String, NodeAddresses>(Map.of("gate-1", Lab.NODE,
        "gate-2", new NodeAddresses(Ipv4.parse("198.51.100.9"), Cidr.parse("10.128.255.253/9"))));
    agent = AgentProcess.launch(lab, AgentConfigWriter.write(new ClusterConfig(settings, nodes)), "--node", "gate-1");
    agent.awaitReady(SOON);

    nodes.remove("gate-1"); // the operator no longer runs this node as a gate peer: its address may go to another
    agent.writeConfig(AgentConfigWriter.write(new ClusterConfig(settings, nodes)));
    await().atMost(SOON).until(() -> !lab.exec("node", "ip", "link", "show", "dev", "simgate0").ok());
    assertThat(agent.readyz()).startsWith("503").contains("waiting for this node's entry");
    assertThat(lab.run("node", "nft", "list", "tables")).doesNotContain("simgate");
    assertThat(agent.isAlive()).isTrue();

    nodes.put("gate-1", Lab.NODE);
    agent.writeConfig(AgentConfigWriter.write(new ClusterConfig(settings, nodes)));
    agent.awaitReady(SOON);
    assertThat(new Traffic(lab).ping("node", Lab.SIM1, 2)).isTrue();
  }

  @Test
  void aChangeTheHostRefusesForAWhileIsRolledBackAndRetriedUntilItIsInForce() throws IOException {
    lab = Lab.up(Lab.Options.agent(1));
    // nft fails while the flag file exists, as a busy or briefly broken nftables would.
    Path bin = Files.createDirectories(lab.workDir().resolve("bin"));
    Path flag = lab.workDir().resolve("nft-fails");
    Path nft = bin.resolve("nft");
    Files.writeString(nft, "#!/bin/sh\nif [ -e " + flag + " ]; then echo 'nft: transient failure' >&2; exit 1; fi\n"
        + "exec /usr/sbin/nft \"$@\"\n");
    Files.setPosixFilePermissions(nft, PosixFilePermissions.fromString("rwxr-xr-x"));
    AgentConfig config = lab.agentConfig();
    agent = AgentProcess.launch(lab, AgentConfigWriter.write(config),
        Map.of("PATH", bin + ":" + System.getenv("PATH")));
    agent.awaitReady(SOON);

    Files.writeString(flag, "");
    agent.writeConfig(config.withSettings(config.settings().withMtu(1400).withRoutes(List.of(ROUTE))));
    await().atMost(SOON).until(() -> agent.readyz().startsWith("503"));
    assertThat(agent.readyz()).contains("config not in force: not applied yet, retrying").contains("transient failure");
    // Rolled back whole: the route that the ip batch added before nft failed is gone again, the MTU is the old one.
    assertThat(lab.run("node", "ip", "route", "show", ROUTE.toString())).isBlank();
    assertThat(lab.run("node", "ip", "link", "show", "dev", "simgate0")).contains("mtu 1450");

    Files.delete(flag);
    await().atMost(SOON).until(() -> agent.readyz().startsWith("200"));
    assertThat(lab.run("node", "ip", "route", "show", ROUTE.toString())).contains("dev simgate0");
    assertThat(lab.run("node", "ip", "link", "show", "dev", "simgate0")).contains("mtu 1400");
  }
}
