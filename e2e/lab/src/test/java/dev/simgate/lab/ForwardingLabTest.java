package dev.simgate.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gate node routing for a server network behind it (what a Gate Peer does for the hosts of its
 * VPC): server ↔ SIM traffic is forwarded by the node through the agent. Server and SIMs have MTU
 * 1500, as hosts and cellular devices do, but the tunnel carries 1450: the agent's MSS clamp makes
 * both ends agree on segments that fit, whichever side opens the connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForwardingLabTest {
  private static final String APPLIED = "simgate_config_reloads_total{result=\"applied\"}";
  private static final Pattern MSS = Pattern.compile("\"tcp_mss_default\":\\s*(\\d+)");
  /** TCP_MAXSEG of a connection: the MSS without the 12 bytes of timestamp options. */
  private static final int CLAMPED = 1450 - 40 - 12;
  private static final int UNCLAMPED = 1500 - 40 - 12;

  private AgentInLab env;
  private Traffic traffic;

  @BeforeAll
  void up() throws IOException {
    env = AgentInLab.start(Lab.Options.agent(1).withServerAndDeviceMtu());
    traffic = env.traffic();
  }

  @AfterAll
  void down() {
    if (env != null) {
      env.close();
    }
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
    env.agent().writeConfig(env.lab().agentConfig() + "mssClamp: false\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> env.agent().metric(APPLIED) == 1);
    assertThat(env.lab().run("node", "nft", "list", "tables")).doesNotContain("simgate");
    assertThat(mss("sim1", "srv", Lab.SIM1)).as("unclamped").isEqualTo(UNCLAMPED);
  }

  /** The MSS iperf3's client (in {@code clientRole}) got for a short transfer to the server in {@code serverRole}. */
  private int mss(String serverRole, String clientRole, String address) throws IOException {
    // Forget path MTUs learned from ICMP by earlier transfers: they would lower the MSS on their own.
    for (String role : new String[] {"srv", "sim1"}) {
      env.lab().run(role, "ip", "route", "flush", "cache");
    }
    String report = traffic.iperf3(serverRole, clientRole, address, "-n", "64K");
    Matcher matcher = MSS.matcher(report);
    assertThat(matcher.find()).as("tcp_mss_default in iperf3's report: %s", report).isTrue();
    return Integer.parseInt(matcher.group(1));
  }
}
