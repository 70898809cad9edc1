package dev.simgate.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The gate node routing for a server network behind it (what a Gate Peer does for the hosts of its
 * VPC): server ↔ SIM traffic is forwarded by the node through the agent. Server and SIMs have MTU
 * 1500, as hosts and cellular devices do, but the tunnel carries 1450: the agent's MSS clamp makes
 * both ends agree on segments that fit, whichever side opens the connection. The SIMs open connections to the
 * server here, so the agent runs with {@code inbound: open} (the gate peer of a VPC whose devices connect to it).
 */
class ForwardingLabIT extends SharedLabTest {
  private static final String APPLIED = "simgate_config_reloads_total{result=\"applied\"}";
  private static final Pattern MSS = Pattern.compile("\"tcp_mss_default\":\\s*(\\d+)");
  /** TCP_MAXSEG of a connection: the MSS without the 12 bytes of timestamp options. */
  private static final int CLAMPED = 1450 - 40 - 12;
  private static final int UNCLAMPED = 1500 - 40 - 12;

  @Override
  protected Lab.Options options() {
    return Lab.Options.agent(1).withServerAndDeviceMtu();
  }

  @Override
  protected AgentConfig config(AgentConfig lab) {
    return lab.withSettings(lab.settings().withInbound(Settings.Inbound.OPEN));
  }

  @Test
  void aServerBehindTheNodeAndASimReachEachOtherWithTheMssClampedBothWays() throws IOException {
    assertThat(traffic.ping("srv", Lab.SIM1, 3)).as("ping server -> SIM").isTrue();
    // The server opens (C2D): the SIM's SYN-ACK comes in through the interface and is clamped.
    assertThat(mss("sim1", "srv", Lab.SIM1)).as("server's MSS toward the SIM").isEqualTo(CLAMPED);
    // The SIM opens: the server's SYN-ACK goes out through the interface and is clamped.
    assertThat(mss("srv", "sim1", Lab.SERVER)).as("SIM's MSS toward the server").isEqualTo(CLAMPED);
    assertThat(traffic.tcpTransfer("srv", "sim1", Lab.SIM1, 1 << 20)).as("1 MiB server -> SIM").isTrue();
    assertThat(traffic.tcpTransfer("sim1", "srv", Lab.SERVER, 1 << 20)).as("1 MiB SIM -> server").isTrue();

    // Without the clamp (a reload), each end believes the other's 1460 and data relies on ICMP "fragmentation needed".
    reload(s -> s.withMssClamp(false));
    assertThat(lab.run("node", "nft", "list", "table", "inet", "simgate_simgate0")).as("no clamp rule left")
        .doesNotContain("maxseg");
    assertThat(mss("sim1", "srv", Lab.SIM1)).as("unclamped").isEqualTo(UNCLAMPED);
    reload(UnaryOperator.identity());
  }

  @Test
  void withMasqueradeTheVpgNeedsNoRouteBackToTheServerNetwork() throws IOException {
    assertThat(sourceSeenBySim()).as("routed: the SIM sees the server").isEqualTo(Lab.SERVER);
    lab.run("vpg1", "ip", "route", "del", "192.168.50.0/24");
    try {
      assertThat(traffic.ping("srv", Lab.SIM1, 2)).as("no route back, no masquerade").isFalse();

      reload(s -> s.withMasquerade(true));
      assertThat(traffic.ping("srv", Lab.SIM1, 3)).as("ping server -> SIM, masqueraded").isTrue();
      assertThat(sourceSeenBySim()).as("the SIM sees the node's inner address").isEqualTo(Lab.NODE_INNER);
      assertThat(traffic.tcpTransfer("srv", "sim1", Lab.SIM1, 1 << 20)).as("1 MiB server -> SIM").isTrue();
      assertThat(mss("sim1", "srv", Lab.SIM1)).as("still clamped").isEqualTo(CLAMPED);
    } finally {
      reload(UnaryOperator.identity());
      lab.run("vpg1", "ip", "route", "replace", "192.168.50.0/24", "via", Lab.NODE_INNER, "dev", "vx0", "onlink");
    }
  }

  /** Rewrites the agent's config as the lab's with {@code change} and waits until the agent applied it. */
  private void reload(UnaryOperator<Settings> change) throws IOException {
    double applied = agent.metric(APPLIED);
    AgentConfig config = config(lab.agentConfig());
    agent.writeConfig(config.withSettings(change.apply(config.settings())));
    await().atMost(Duration.ofSeconds(10)).until(() -> agent.metric(APPLIED) > applied);
  }

  /** The source address of a TCP connection from the server as the SIM sees it. */
  private String sourceSeenBySim() throws IOException {
    Path log = Files.createTempFile(lab.workDir(), "peer-", ".log");
    Process echo = lab.start("sim1", log, "socat", "TCP-LISTEN:7999,reuseaddr", "SYSTEM:echo $SOCAT_PEERADDR");
    try {
      return lab.run("srv", "socat", "-u", "-T", "5", "TCP:" + Lab.SIM1 + ":7999,retry=50,interval=0.1", "STDOUT")
          .strip();
    } finally {
      echo.destroyForcibly();
    }
  }

  /** The MSS iperf3's client (in {@code clientRole}) got for a short transfer to the server in {@code serverRole}. */
  private int mss(String serverRole, String clientRole, String address) throws IOException {
    // Forget path MTUs learned from ICMP by earlier transfers: they would lower the MSS on their own.
    for (String role : new String[] {"srv", "sim1"}) {
      lab.run(role, "ip", "route", "flush", "cache");
    }
    String report = traffic.iperf3(serverRole, clientRole, address, "-n", "64K");
    Matcher matcher = MSS.matcher(report);
    assertThat(matcher.find()).as("tcp_mss_default in iperf3's report: %s", report).isTrue();
    return Integer.parseInt(matcher.group(1));
  }
}
