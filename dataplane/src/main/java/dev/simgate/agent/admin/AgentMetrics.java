package dev.simgate.agent.admin;

import dev.simgate.agent.forward.DropReason;
import dev.simgate.agent.forward.Stats;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Turns one scrape-time copy of the agent's counters into Prometheus snapshots. Label values are
 * bounded: {@code peer} is a configured VPG peer's outer IP (at most 16), {@code reason} a {@link DropReason},
 * {@code result} applied|rejected, {@code state} up|down; the RTT histogram has fixed buckets.
 */
public final class AgentMetrics {

  /** The agent table's named nftables counters, and the metric and reason each is exported as. */
  private static final Map<String, String> KERNEL_DROPS = Map.of("non_peer", "unknown_peer_kernel");
  private static final List<String> POLICY_DROPS = List.of("inbound_to_node", "inbound_routed");

  /**
   * Everything exported, read at scrape time.
   *
   * @param kernelCounters the agent table's named nftables counters (packets by name): VXLAN from non-peers dropped
   *     before the socket, and what the inbound default-deny dropped
   */
  public record Sample(Stats stats, long eventLoopAllocatedBytes, long reloadsApplied, long reloadsRejected,
      Health readiness, Map<String, Long> kernelCounters) {
    public boolean ready() {
      return readiness.ok();
    }
  }

  private AgentMetrics() {}

  public static MetricSnapshots snapshots(Sample sample) {
    Stats stats = sample.stats();
    var drops = CounterSnapshot.builder().name("simgate_dropped_packets")
        .help("Packets dropped, by reason");
    for (DropReason reason : DropReason.values()) {
      drops.dataPoint(counter(stats.drops().get(reason), Labels.of("reason", reason.label())));
    }
    // The first lock is in the kernel (nftables, before the socket): same metric, its own reasons.
    KERNEL_DROPS.forEach((name, reason) -> {
      Long count = sample.kernelCounters().get(name);
      if (count != null) {
        drops.dataPoint(counter(count, Labels.of("reason", reason)));
      }
    });
    // The inbound default-deny: every reason always (0 with inbound: open), so that alerts need no absent().
    var policy = CounterSnapshot.builder().name("simgate_policy_dropped_packets")
        .help("Packets from the tunnel dropped by the inbound default-deny, by reason (inbound_to_node: to the node"
            + " itself; inbound_routed: to pods and hosts it routes)");
    for (String reason : POLICY_DROPS) {
      policy.dataPoint(counter(sample.kernelCounters().getOrDefault(reason, 0L), Labels.of("reason", reason)));
    }
    var reloads = CounterSnapshot.builder().name("simgate_config_reloads")
        .help("Config file changes seen, by result")
        .dataPoint(counter(sample.reloadsApplied(), Labels.of("result", "applied")))
        .dataPoint(counter(sample.reloadsRejected(), Labels.of("result", "rejected")));
    return MetricSnapshots.of(
        perVpgPeer(stats, "simgate_rx_packets",
            "VXLAN datagrams accepted from a VPG peer (what the TAP then refuses is also counted as tap_write_failed)",
            Stats.VpgPeerStats::rxPackets),
        perVpgPeer(stats, "simgate_rx_bytes", "VXLAN payload bytes (header + inner frame) received from a VPG peer",
            Stats.VpgPeerStats::rxBytes),
        perVpgPeer(stats, "simgate_tx_packets", "VXLAN datagrams sent to a VPG peer", Stats.VpgPeerStats::txPackets),
        perVpgPeer(stats, "simgate_tx_bytes", "VXLAN payload bytes (header + inner frame) sent to a VPG peer",
            Stats.VpgPeerStats::txBytes),
        lastReceive(stats),
        drops.build(),
        policy.build(),
        CounterSnapshot.builder().name("simgate_rx_coalesced_packets")
            .help("Received TCP segments merged into the previous segment's TAP write (user-space GRO)")
            .dataPoint(counter(stats.rxCoalesced(), Labels.EMPTY)).build(),
        CounterSnapshot.builder().name("simgate_tx_coalesced_packets")
            .help("Datagrams sent in the previous datagram's UDP GSO message (small frames batched)")
            .dataPoint(counter(stats.txCoalesced(), Labels.EMPTY)).build(),
        reloads.build(),
        CounterSnapshot.builder().name("simgate_eventloop_allocated_bytes")
            .help("Bytes allocated by the event-loop thread (packet path and scrapes)")
            .dataPoint(counter(sample.eventLoopAllocatedBytes(), Labels.EMPTY)).build(),
        gauge("simgate_mac_table_entries", "Learned inner MAC to VPG peer entries", stats.macEntries()),
        gauge("simgate_ready", "1 when ready: the config in force, the interface up and a VPG peer answering",
            sample.ready() ? 1 : 0),
        perVpgPeerGauge(stats, "simgate_peer_up", "1 while the VPG peer answers its probes, else 0 (pending or down)",
            peer -> "up".equals(peer.state()) ? 1 : 0),
        transitions(stats),
        perVpgPeer(stats, "simgate_peer_probes_sent", "Probes sent to a VPG peer", Stats.VpgPeerStats::probesSent),
        perVpgPeer(stats, "simgate_peer_probe_replies", "Probe answers credited to a VPG peer",
            Stats.VpgPeerStats::probeReplies),
        rtt(stats));
  }

  /** How often each VPG peer went up and down. */
  private static CounterSnapshot transitions(Stats stats) {
    var builder = CounterSnapshot.builder().name("simgate_peer_transitions")
        .help("VPG peer state changes, by the state entered (up: answers again, down: missed failureThreshold probes)");
    for (Stats.VpgPeerStats peer : stats.vpgPeers()) {
      builder.dataPoint(counter(peer.wentUp(), Labels.of("peer", peer.address(), "state", "up")));
      builder.dataPoint(counter(peer.wentDown(), Labels.of("peer", peer.address(), "state", "down")));
    }
    return builder.build();
  }

  /** Probe round-trip times per VPG peer, in fixed buckets. */
  private static HistogramSnapshot rtt(Stats stats) {
    var builder = HistogramSnapshot.builder().name("simgate_peer_probe_rtt_seconds")
        .help("Round-trip time of answered probes, per VPG peer");
    double[] bounds = Stats.VpgPeerStats.rttBounds();
    for (Stats.VpgPeerStats peer : stats.vpgPeers()) {
      builder.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
          .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, peer.rttCounts()))
          .sum(peer.rttSumSeconds()).labels(Labels.of("peer", peer.address())).build());
    }
    return builder.build();
  }

  private static GaugeSnapshot perVpgPeerGauge(Stats stats, String name, String help,
      java.util.function.ToDoubleFunction<Stats.VpgPeerStats> value) {
    var builder = GaugeSnapshot.builder().name(name).help(help);
    for (Stats.VpgPeerStats peer : stats.vpgPeers()) {
      builder.dataPoint(GaugeDataPointSnapshot.builder().value(value.applyAsDouble(peer))
          .labels(Labels.of("peer", peer.address())).build());
    }
    return builder.build();
  }

  /** When each VPG peer was last heard from: alert on a VPG peer that went silent (absent until it sends once). */
  private static GaugeSnapshot lastReceive(Stats stats) {
    var builder = GaugeSnapshot.builder().name("simgate_peer_last_receive_timestamp_seconds")
        .help("Unix time of the last VXLAN datagram accepted from a VPG peer");
    for (Stats.VpgPeerStats peer : stats.vpgPeers()) {
      if (!Double.isNaN(peer.lastReceive())) {
        builder.dataPoint(GaugeDataPointSnapshot.builder().value(peer.lastReceive())
            .labels(Labels.of("peer", peer.address())).build());
      }
    }
    return builder.build();
  }

  private static CounterSnapshot perVpgPeer(Stats stats, String name, String help,
      ToLongFunction<Stats.VpgPeerStats> value) {
    var builder = CounterSnapshot.builder().name(name).help(help);
    for (Stats.VpgPeerStats peer : stats.vpgPeers()) {
      builder.dataPoint(counter(value.applyAsLong(peer), Labels.of("peer", peer.address())));
    }
    return builder.build();
  }

  private static CounterDataPointSnapshot counter(long value, Labels labels) {
    return CounterDataPointSnapshot.builder().value(value).labels(labels).build();
  }

  private static GaugeSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder().name(name).help(help)
        .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
  }
}
