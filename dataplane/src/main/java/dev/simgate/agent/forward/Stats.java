package dev.simgate.agent.forward;

import java.util.List;
import java.util.Map;

/**
 * A copy of the packet path's counters, taken on the event loop at scrape time.
 *
 * @param rxCoalesced received TCP segments merged into an earlier one's TAP write (user-space GRO)
 * @param txCoalesced datagrams that joined an earlier one's UDP GSO message (small-packet batching)
 */
public record Stats(List<VpgPeerStats> vpgPeers, Map<DropReason, Long> drops, int macEntries, long rxCoalesced,
    long txCoalesced) {

  /** No data plane (yet, or any more): no peers, nothing counted. */
  public static Stats empty() {
    return new Stats(List.of(), new DropCounters().snapshot(), 0, 0, 0);
  }

  /**
   * Counters and state of one configured VPG peer; bytes are VXLAN UDP payload bytes (header + inner frame).
   *
   * @param address the VPG peer's outer IP
   * @param lastReceive Unix time (seconds) of the last datagram accepted from the VPG peer; NaN: none yet
   * @param state pending, up or down
   * @param lastRtt the last probe round trip in seconds; NaN: none yet
   */
  public record VpgPeerStats(String address, long rxPackets, long rxBytes, long txPackets, long txBytes,
      double lastReceive, String state, long probesSent, long probeReplies, long wentUp, long wentDown,
      double lastRtt, long[] rttCounts, double rttSumSeconds) {

    /** Upper bounds (seconds, the last +Inf) of the buckets of {@link #rttCounts()}, which are not cumulative. */
    public static double[] rttBounds() {
      return RttHistogram.BOUNDS_SECONDS.clone();
    }
  }
}
