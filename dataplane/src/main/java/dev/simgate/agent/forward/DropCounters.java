package dev.simgate.agent.forward;

import java.util.EnumMap;
import java.util.Map;

/** Packets not forwarded, by {@link DropReason}; plain longs, event loop only. */
final class DropCounters {
  private final long[] counts = new long[DropReason.values().length];

  void add(DropReason reason, long packets) {
    counts[reason.ordinal()] += packets;
  }

  void one(DropReason reason) {
    counts[reason.ordinal()]++;
  }

  Map<DropReason, Long> snapshot() {
    Map<DropReason, Long> copy = new EnumMap<>(DropReason.class);
    for (DropReason reason : DropReason.values()) {
      copy.put(reason, counts[reason.ordinal()]);
    }
    return copy;
  }
}
