package dev.simgate.operator.soracom;

import java.time.Duration;
import java.time.Instant;

/**
 * A fixed-window request quota, as SORACOM documents it (reference §4): a limit per window, the window starting at its
 * first request; over the limit, 429. Reports the three {@code X-Soracom-Ratelimit-*} values.
 */
final class MockRateBudget {
  record Verdict(boolean allowed, int limit, int remaining, long secondsBeforeRefresh) {}

  private final int limit;
  private final Duration window;
  private Instant windowStart;
  private int used;

  MockRateBudget(int limit, Duration window) {
    this.limit = limit;
    this.window = window;
  }

  Verdict take(Instant now) {
    if (windowStart == null || !now.isBefore(windowStart.plus(window))) {
      windowStart = now;
      used = 0;
    }
    boolean allowed = used < limit;
    if (allowed) {
      used++;
    }
    Duration left = Duration.between(now, windowStart.plus(window));
    long seconds = (left.toMillis() + 999) / 1000;
    return new Verdict(allowed, limit, limit - used, seconds);
  }
}
