package dev.simgate.agent.forward;

/**
 * Probe round-trip times in fixed buckets (upper bounds {@link #BOUNDS_SECONDS}, the last one +Inf), counted in plain
 * longs so that recording on the event loop allocates nothing. Not thread-safe: the loop records, a scrape copies on
 * the loop.
 */
final class RttHistogram {
  /** From LAN (sub-millisecond) to a VPG across a continent; above a second a probe is as good as lost. */
  static final double[] BOUNDS_SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
      Double.POSITIVE_INFINITY};
  private static final long[] BOUNDS_NANOS = new long[BOUNDS_SECONDS.length];

  static {
    for (int i = 0; i < BOUNDS_SECONDS.length; i++) {
      BOUNDS_NANOS[i] = Double.isInfinite(BOUNDS_SECONDS[i]) ? Long.MAX_VALUE : (long) (BOUNDS_SECONDS[i] * 1e9);
    }
  }

  private final long[] counts = new long[BOUNDS_SECONDS.length];
  private long sumNanos;

  void record(long nanos) {
    int bucket = 0;
    while (nanos > BOUNDS_NANOS[bucket]) {
      bucket++;
    }
    counts[bucket]++;
    sumNanos += nanos;
  }

  /** A copy: how many round trips fell in each bucket (not cumulative). */
  long[] counts() {
    return counts.clone();
  }

  double sumSeconds() {
    return sumNanos / 1e9;
  }
}
