package dev.simgate.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent as a gate peer of one kernel-VXLAN VPG: traffic both ways, the door lock against a
 * non-peer, robustness against garbage, and steady-state zero allocation on the event loop.
 */
class AgentLabIT extends SharedLabTest {
  private static final String UNKNOWN_PEER_KERNEL = "simgate_dropped_packets_total{reason=\"unknown_peer_kernel\"}";
  private static final String MALFORMED = "simgate_dropped_packets_total{reason=\"malformed\"}";
  private static final String BAD_VNI = "simgate_dropped_packets_total{reason=\"bad_vni\"}";
  private static final String ALLOCATED = "simgate_eventloop_allocated_bytes_total";
  private static final String RX_VPG1 = "simgate_rx_packets_total{peer=\"" + Lab.VPG1_OUTER + "\"}";
  private static final String TX_VPG1 = "simgate_tx_packets_total{peer=\"" + Lab.VPG1_OUTER + "\"}";
  private static final String COALESCED = "simgate_rx_coalesced_packets_total";
  private static final String TX_COALESCED = "simgate_tx_coalesced_packets_total";
  private static final String TAP_WRITE_FAILED = "simgate_dropped_packets_total{reason=\"tap_write_failed\"}";

  @Override
  protected Lab.Options options() {
    return Lab.Options.agent(1).withSpoofer();
  }

  @Test
  void nodeReachesTheSimByPingAndTcp() throws IOException {
    assertThat(traffic.ping("node", Lab.SIM1, 3)).as("ping node -> SIM").isTrue();
    assertThat(traffic.tcpTransfer("node", "sim1", Lab.SIM1, 2 << 20)).as("2 MiB over TCP node -> SIM").isTrue();
    assertThat(agent.metric(TX_VPG1)).isPositive();
    assertThat(agent.metric(RX_VPG1)).isPositive();
  }

  @Test
  void burstsOfSmallUdpDatagramsLeaveBatchedAndArriveIntact() throws IOException {
    double before = agent.metric(TX_COALESCED);
    // 256 datagrams of 100 bytes and one of 33, queued on the TAP 32 at a time: the agent sends each run of equal
    // frames as one UDP GSO message; the VPG must still see every datagram whole and in order.
    assertThat(traffic.udpBurst("node", "sim1", Lab.SIM1, 100, 256)).as("every datagram intact, in order").isTrue();
    assertThat(agent.metric(TX_COALESCED) - before).as("datagrams batched into GSO messages").isPositive();
  }

  @Test
  void simPingsTheNodesInnerAddressAndSendsOverTcp() throws IOException {
    assertThat(traffic.ping("sim1", Lab.NODE_INNER, 3)).as("ping SIM -> node").isTrue();
    double coalesced = agent.metric(COALESCED);
    // The node opens (inbound, the tunnel lets only replies in), the SIM sends.
    assertThat(traffic.tcpDownload("node", "sim1", Lab.SIM1, 2 << 20)).as("2 MiB over TCP SIM -> node").isTrue();
    // The VPG sends a TCP burst as back-to-back datagrams: the agent hands them to the node's stack as super-frames,
    // and the transfer's digest above proves they were put together right.
    assertThat(agent.metric(COALESCED) - coalesced).as("segments merged into super-frames").isPositive();
    assertThat(agent.metric(TAP_WRITE_FAILED)).isZero();
  }

  @Test
  void vxlanFromAnAddressThatIsNotAPeerIsNotDelivered() throws IOException {
    double before = agent.metric(UNKNOWN_PEER_KERNEL);
    // The spoofer is a kernel VTEP with the right VNI, sending to the node from a non-peer outer IP.
    assertThat(traffic.ping("spoofer", Lab.NODE_INNER, 3)).isFalse();
    assertThat(agent.metric(UNKNOWN_PEER_KERNEL) - before).isGreaterThanOrEqualTo(3);
    // Had any ARP request of the spoofer reached the node's stack, the node would have a neighbour entry.
    assertThat(lab.run("node", "ip", "neigh", "show", "10.128.9.9")).isBlank();
  }

  @Test
  void aBurstOfRandomUdpFromAPeerDoesNotStopForwarding() throws IOException {
    Map<String, Double> before = agent.metrics();
    int datagrams = 0;
    for (int size : new int[] {1, 7, 21, 64, 1400}) {
      int count = 400;
      lab.run("vpg1", "socat", "-u", "-b", "" + size,
          "OPEN:/dev/urandom,readbytes=" + (size * count),
          "UDP-SENDTO:" + Lab.NODE_OUTER + ":4789");
      datagrams += count;
    }
    // Valid headers with random "frames" behind them also reach the TAP without harm.
    lab.run("vpg1", "bash", "-c", "for i in $(seq 200); do (printf '\\x08\\x00\\x00\\x00\\x00\\x00\\x0a\\x00'; "
        + "head -c $((14 + RANDOM % 200)) /dev/urandom) | socat -u -b 2000 - UDP-SENDTO:" + Lab.NODE_OUTER
        + ":4789; done");
    int total = datagrams;
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Map<String, Double> delta = AgentProcess.delta(before, agent.metrics());
      assertThat(delta.get(MALFORMED) + delta.get(BAD_VNI)).isGreaterThanOrEqualTo(total * 0.99);
    });
    assertThat(agent.isAlive()).isTrue();
    assertThat(traffic.ping("node", Lab.SIM1, 3)).as("forwarding after the garbage").isTrue();
    assertThat(traffic.tcpTransfer("node", "sim1", Lab.SIM1, 256 << 10)).isTrue();
  }

  /**
   * The packet path allocates nothing in steady state: after warm-up, the event-loop thread's
   * allocated bytes grow by less than one byte per forwarded packet, averaged over at least 100,000
   * packets in each direction (what does grow is the scrapes' own small allocations).
   */
  @Test
  void steadyStateForwardingAllocatesNothingOnTheEventLoop() throws IOException {
    // The kernel hands the TAP 64 KiB TCP super-frames: the TCP streams below take the segmentation + UDP GSO path
    // (node -> SIM) and the coalescing path (SIM -> node).
    assertThat(lab.run("node", "ethtool", "-k", "simgate0")).contains("tcp-segmentation-offload: on");
    // ... of at most 44 segments at MTU 1450, so that each leaves as one UDP GSO message.
    assertThat(lab.run("node", "ip", "-d", "link", "show", "dev", "simgate0")).contains("mtu 1450", "gso_max_segs 44 ");
    for (int warmup = 0; warmup < 2; warmup++) {
      udpFlood(false, 1);
      udpFlood(true, 1);
      tcpStream(false, 1);
      tcpStream(true, 1);
    }
    Map<String, Double> before = agent.metrics();
    Map<String, Double> delta = Map.of();
    // Flood until both directions have 100,000 packets (a few rounds on a busy machine).
    for (int round = 0; round < 8 && !(delta.getOrDefault(RX_VPG1, 0.0) >= 100_000
        && delta.getOrDefault(TX_VPG1, 0.0) >= 100_000); round++) {
      udpFlood(false, 2);
      udpFlood(true, 2);
      tcpStream(false, 1);
      tcpStream(true, 1);
      delta = AgentProcess.delta(before, agent.metrics());
    }
    double packets = delta.get(RX_VPG1) + delta.get(TX_VPG1);
    assertThat(delta.get(RX_VPG1)).as("packets decapsulated").isGreaterThanOrEqualTo(100_000);
    assertThat(delta.get(TX_VPG1)).as("packets encapsulated").isGreaterThanOrEqualTo(100_000);
    double bytesPerPacket = delta.get(ALLOCATED) / packets;
    // Measured: a few hundred bytes in all (the scrapes' own copies) over >= 200,000 packets. The bound is tight enough to
    // catch one small allocation per UDP GSO message, which carries up to 64 datagrams.
    assertThat(bytesPerPacket).as("event-loop bytes allocated per packet (%s bytes, %s packets)",
        delta.get(ALLOCATED), packets).isLessThan(0.1);
  }

  /**
   * A TCP stream for some seconds (iperf3 client on the node, server on the SIM): node -> SIM encapsulates TSO
   * super-frames; reversed, SIM -> node, the agent coalesces the segments it receives.
   */
  private void tcpStream(boolean reverse, int seconds) throws IOException {
    if (reverse) {
      traffic.iperf3("sim1", "node", Lab.SIM1, "-t", Integer.toString(seconds), "-R");
    } else {
      traffic.iperf3("sim1", "node", Lab.SIM1, "-t", Integer.toString(seconds));
    }
  }

  /**
   * 128-byte UDP at full speed for some seconds, SIM -> node (decapsulation) or, reversed, node -> SIM; the node's
   * iperf3 client opens the test either way (the tunnel lets only replies in).
   */
  private void udpFlood(boolean reverse, int seconds) throws IOException {
    String time = Integer.toString(seconds);
    if (reverse) {
      traffic.iperf3("sim1", "node", Lab.SIM1, "-u", "-b", "0", "-l", "128", "-t", time);
    } else {
      traffic.iperf3("sim1", "node", Lab.SIM1, "-u", "-b", "0", "-l", "128", "-t", time, "-R");
    }
  }
}
