package dev.simgate.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Anything that reaches the VPG can send into the tunnel, so what comes out of it is refused unless it answers
 * something this side opened (issue 9, item 1), on the standalone agent too: a listener on every address of the
 * node (as sshd is), the node's inner address and a server routed behind the node are closed to the SIMs, with the
 * drops counted; replies to the node's and the server's own connections, and ICMP echo to the inner address, pass;
 * {@code inbound: open} is the old open door.
 */
class InboundDefaultDenyLabIT extends SharedLabTest {
  private static final String TO_NODE = "simgate_policy_dropped_packets_total{reason=\"inbound_to_node\"}";
  private static final String ROUTED = "simgate_policy_dropped_packets_total{reason=\"inbound_routed\"}";
  private static final String APPLIED = "simgate_config_reloads_total{result=\"applied\"}";
  private static final int SSH_LIKE = 2222;
  private static final int WEB = 8080;

  @Override
  protected Lab.Options options() {
    return Lab.Options.agent(1).withServerAndDeviceMtu();
  }

  @Test
  void fromTheTunnelOnlyRepliesAndEchoToTheInnerAddressComeIn() throws IOException {
    Process ssh = traffic.tcpListener("node", SSH_LIKE);
    Process web = traffic.tcpListener("srv", WEB);
    Path datagrams = traffic.udpListener("node", 5353);
    try {
      Map<String, Double> before = agent.metrics();
      assertThat(traffic.tcpGreeting("node", "127.0.0.1", SSH_LIKE)).as("the node's listener answers locally")
          .isEqualTo("hello from node");
      assertThat(traffic.tcpGreeting("sim1", Lab.NODE_INNER, SSH_LIKE)).as("SIM -> a listener on the node").isEmpty();
      assertThat(traffic.tcpGreeting("sim1", Lab.SERVER, WEB)).as("SIM -> a server behind the node").isEmpty();
      traffic.udpSend("sim1", Lab.NODE_INNER, 5353, "knock");

      assertThat(traffic.ping("sim1", Lab.NODE_INNER, 3)).as("ICMP echo to the inner address").isTrue();
      assertThat(traffic.tcpTransfer("node", "sim1", Lab.SIM1, 1 << 20)).as("the node's own connection").isTrue();
      assertThat(traffic.tcpTransfer("srv", "sim1", Lab.SIM1, 1 << 20)).as("the server's connection").isTrue();
      assertThat(traffic.ping("srv", Lab.SIM1, 2)).as("the server's echo requests, and their replies").isTrue();

      Map<String, Double> after = agent.metrics();
      assertThat(after.get(TO_NODE) - before.getOrDefault(TO_NODE, 0.0)).as("SYNs and the datagram to the node")
          .isGreaterThanOrEqualTo(2);
      assertThat(after.get(ROUTED) - before.getOrDefault(ROUTED, 0.0)).as("SYNs to the server")
          .isGreaterThanOrEqualTo(1);
      assertThat(Files.readString(datagrams)).as("the datagram never reached the node's listener").isEmpty();
    } finally {
      ssh.destroyForcibly();
      web.destroyForcibly();
    }
  }

  @Test
  void inboundOpenIsTheOldOpenDoor() throws IOException {
    Process ssh = traffic.tcpListener("node", SSH_LIKE + 1);
    Process web = traffic.tcpListener("srv", WEB + 1);
    try {
      reload(Settings.Inbound.OPEN);
      assertThat(traffic.tcpGreeting("sim1", Lab.NODE_INNER, SSH_LIKE + 1)).isEqualTo("hello from node");
      assertThat(traffic.tcpGreeting("sim1", Lab.SERVER, WEB + 1)).isEqualTo("hello from srv");
      assertThat(lab.run("node", "nft", "list", "table", "inet", "simgate_simgate0")).as("no inbound rules")
          .doesNotContain("inbound_to_node", "inbound_routed");

      reload(Settings.Inbound.DENY);
      assertThat(traffic.tcpGreeting("sim1", Lab.NODE_INNER, SSH_LIKE + 1)).as("closed again").isEmpty();
    } finally {
      ssh.destroyForcibly();
      web.destroyForcibly();
      reload(Settings.Inbound.DENY);
    }
  }

  /** Rewrites the agent's config as the lab's with {@code inbound} and waits until the agent applied it. */
  private void reload(Settings.Inbound inbound) throws IOException {
    AgentConfig config = lab.agentConfig();
    AgentConfig next = config.withSettings(config.settings().withInbound(inbound));
    if (Files.readString(agent.configFile()).equals(dev.simgate.contract.agentconfig.AgentConfigWriter.write(next))) {
      return;
    }
    double applied = agent.metric(APPLIED);
    agent.writeConfig(next);
    await().atMost(Duration.ofSeconds(10)).until(() -> agent.metric(APPLIED) > applied);
  }
}
