package dev.simgate.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two VPG peers, as a SORACOM VPG has (one per zone), each with a SIM behind it: the agent floods
 * broadcast and unknown frames to both and, once it has learned which peer a MAC sits behind,
 * sends unicast to that peer only.
 */
class TwoPeerLabIT extends SharedLabTest {
  private static final String TX_VPG1 = "simgate_tx_packets_total{peer=\"" + Lab.VPG1_OUTER + "\"}";
  private static final String TX_VPG2 = "simgate_tx_packets_total{peer=\"" + Lab.VPG2_OUTER + "\"}";

  @Override
  protected Lab.Options options() {
    return Lab.Options.agent(2);
  }

  @Test
  void bothSimsAreReachableInBothDirections() throws IOException {
    for (String[] sim : new String[][] {{"sim1", Lab.SIM1}, {"sim2", Lab.SIM2}}) {
      assertThat(traffic.ping("node", sim[1], 3)).as("ping node -> %s", sim[0]).isTrue();
      assertThat(traffic.ping(sim[0], Lab.NODE_INNER, 3)).as("ping %s -> node", sim[0]).isTrue();
      assertThat(traffic.tcpTransfer("node", sim[0], sim[1], 1 << 20)).as("TCP node -> %s", sim[0]).isTrue();
      assertThat(traffic.tcpDownload("node", sim[0], sim[1], 1 << 20)).as("TCP %s -> node", sim[0]).isTrue();
    }
    // Each peer was just heard from: the gauge an alert on a silent VPG peer would watch.
    double now = System.currentTimeMillis() / 1000.0;
    for (String peer : new String[] {Lab.VPG1_OUTER, Lab.VPG2_OUTER}) {
      assertThat(agent.metric("simgate_peer_last_receive_timestamp_seconds{peer=\"" + peer + "\"}"))
          .as("last receive from %s", peer).isBetween(now - 60, now + 1);
    }
  }

  @Test
  void learnedMacsTakeUnicastToTheirPeerOnly() throws IOException {
    assertThat(traffic.ping("node", Lab.SIM1, 2)).isTrue(); // ARP flooded to both, reply learned from vpg1
    assertThat(traffic.ping("node", Lab.SIM2, 2)).isTrue();
    Map<String, Double> before = agent.metrics();
    assertThat(traffic.ping("node", Lab.SIM1, 10)).isTrue();
    Map<String, Double> delta = AgentProcess.delta(before, agent.metrics());
    assertThat(delta.get(TX_VPG1)).isGreaterThanOrEqualTo(10);
    assertThat(delta.get(TX_VPG2)).as("frames for SIM 1 sent to VPG peer 2").isZero();
    assertThat(agent.metric("simgate_mac_table_entries")).isGreaterThanOrEqualTo(2);
  }
}
