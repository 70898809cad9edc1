package dev.simgate.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A VPG peer that dies under traffic (issue 10): two kernel-VXLAN VPG peers acting as one VPG, SIM 3 behind both. The
 * agent probes each peer on its own; when the peer that carries the traffic stops answering it is marked down, its
 * learned MACs are forgotten, and the traffic moves to the peer that is left; when it comes back both are used again.
 * Behaviour only: how fast is the benchmark's business (e2e/bench/failover.sh).
 */
class VpgPeerFailoverLabIT {
  private static final String VPG1 = "{peer=\"" + Lab.VPG1_OUTER + "\"}";
  private static final String VPG2 = "{peer=\"" + Lab.VPG2_OUTER + "\"}";
  private static final Duration DETECTION = Duration.ofSeconds(30);

  private AgentInLab env;
  private Lab lab;
  private AgentProcess agent;
  private Traffic traffic;

  @BeforeEach
  void up() throws IOException {
    env = AgentInLab.start(Lab.Options.agent(2).withHa());
    lab = env.lab();
    agent = env.agent();
    traffic = env.traffic();
    await().atMost(DETECTION).until(() -> agent.metric("simgate_peer_up" + VPG1) == 1
        && agent.metric("simgate_peer_up" + VPG2) == 1);
  }

  @AfterEach
  void down() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void trafficMovesToThePeerThatIsLeftAndBackWhenItReturns() throws Exception {
    // SIM 3 answers through VPG peer 1 (its preferred link): the VPG's MAC is learned behind peer 1.
    assertThat(traffic.ping("node", Lab.SIM3, 3)).isTrue();
    double toVpg2 = agent.metric("simgate_tx_packets_total" + VPG2);
    assertThat(traffic.ping("node", Lab.SIM3, 5)).isTrue();
    assertThat(agent.metric("simgate_tx_packets_total" + VPG2)).as("unicast to peer 1 only").isEqualTo(toVpg2);

    Path pings = Files.createTempFile(lab.workDir(), "ping-", ".txt");
    Process flow = lab.start("node", pings, "ping", "-i", "0.02", "-W", "1", Lab.SIM3);
    try {
      lab.peer(1, false);
      await().atMost(DETECTION).until(() -> agent.metric("simgate_peer_up" + VPG1) == 0);
      assertThat(agent.metric("simgate_peer_transitions_total{peer=\"" + Lab.VPG1_OUTER + "\",state=\"down\"}"))
          .isEqualTo(1);
      assertThat(agent.readyz()).startsWith("200").contains("1/2 VPG peers answer");

      double toDeadPeer = agent.metric("simgate_tx_packets_total" + VPG1);
      toVpg2 = agent.metric("simgate_tx_packets_total" + VPG2);
      assertThat(traffic.ping("node", Lab.SIM3, 10)).as("traffic resumes through VPG peer 2").isTrue();
      assertThat(agent.metric("simgate_tx_packets_total" + VPG1)).as("no frame to the dead peer")
          .isEqualTo(toDeadPeer);
      assertThat(agent.metric("simgate_tx_packets_total" + VPG2) - toVpg2).isGreaterThanOrEqualTo(10);

      lab.peer(1, true);
      await().atMost(DETECTION).until(() -> agent.metric("simgate_peer_up" + VPG1) == 1);
      assertThat(agent.readyz()).contains("2/2 VPG peers answer");
      double toVpg1 = agent.metric("simgate_tx_packets_total" + VPG1);
      // SIM 3's replies come through peer 1 again, which teaches the VPG's MAC behind it.
      await().atMost(DETECTION).untilAsserted(() -> {
        assertThat(traffic.ping("node", Lab.SIM3, 3)).isTrue();
        assertThat(agent.metric("simgate_tx_packets_total" + VPG1)).as("peer 1 used again").isGreaterThan(toVpg1);
      });
    } finally {
      flow.destroy();
      flow.waitFor();
    }
    long answered = Files.readAllLines(pings).stream().filter(line -> line.contains("bytes from")).count();
    System.out.println("VpgPeerFailoverLabIT: a ping every 20 ms through a peer failure and return: " + answered
        + " answered (not asserted: see e2e/bench/failover.sh for the gap)");
  }

  @Test
  void anAgentWhosePeersAllStopAnsweringTakesItsInterfaceDownUntilOneAnswersAgain() throws IOException {
    assertThat(agent.readyz()).startsWith("200");
    lab.peer(1, false);
    lab.peer(2, false);
    await().atMost(DETECTION).until(() -> agent.metric("simgate_ready") == 0);
    assertThat(agent.readyz()).startsWith("503").contains("no VPG peer answers (ARP for " + Lab.VPG_SHARED + ")");
    // Down, so that nodes steering pods here (and this node's own steering routes) turn to gate nodes that work.
    await().atMost(DETECTION).until(() -> !interfaceUp());
    assertThat(lab.run("node", "ip", "-4", "addr", "show", "dev", "simgate0")).as("the address stays")
        .contains(Lab.NODE_INNER);
    assertThat(lab.exec("node", "ip", "route", "get", Lab.SIM3).ok()).as("no route into the tunnel").isFalse();

    lab.peer(2, true);
    await().atMost(DETECTION).until(() -> agent.metric("simgate_ready") == 1);
    assertThat(interfaceUp()).isTrue();
    await().atMost(DETECTION).until(() -> traffic.ping("node", Lab.SIM3, 3));
  }

  private boolean interfaceUp() throws IOException {
    return lab.run("node", "ip", "-o", "link", "show", "dev", "simgate0").contains(",UP");
  }

  /**
   * Probes that were never answered prove nothing about the tunnel (the probe address may be what is wrong): the
   * agent is not ready, says why, and fails open: the interface stays up and floods go to every VPG peer.
   */
  @Test
  void probesNeverAnsweredKeepTheInterfaceUpAndFloodingToEveryPeer() throws IOException {
    env.close();
    env = AgentInLab.start(Lab.Options.agent(2), config -> config.withSettings(config.settings().withProbe(
        config.settings().probe().withAddress(dev.simgate.contract.net.Ipv4.parse("10.128.0.99")))), false);
    lab = env.lab();
    agent = env.agent();
    traffic = env.traffic();
    await().atMost(DETECTION).until(() -> agent.readyz().contains("no VPG peer answers (ARP for 10.128.0.99)"));
    assertThat(agent.readyz()).startsWith("503");
    assertThat(interfaceUp()).isTrue();
    double before = agent.metric("simgate_tx_packets_total" + VPG2);
    assertThat(traffic.ping("node", Lab.SIM1, 3)).as("the tunnel itself works").isTrue();
    assertThat(agent.metric("simgate_tx_packets_total" + VPG2)).as("with no peer up, floods go to every peer")
        .isGreaterThan(before);
  }
}
