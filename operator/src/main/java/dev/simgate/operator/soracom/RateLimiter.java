package dev.simgate.operator.soracom;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Paces requests so that no minute holds more than the API's advertised limit (reference §4: limits are per minute).
 *
 * <p>A generic cell rate algorithm: one request every {@code 60 s / rate}, with a small burst allowance. Until the API
 * has advertised a limit the rate is the policy's ceiling, without burst; after, it is {@code headroom × limit} with a
 * burst that keeps any minute at or under the limit. The smallest limit seen is kept, because limits differ per API
 * group and a response tells only its own. A 429, or a response saying nothing is left, pauses everyone until the window
 * refreshes, and requests then resume spread out instead of all at once.
 */
final class RateLimiter {
  private static final Duration WINDOW = Duration.ofMinutes(1);

  private final RateLimitPolicy policy;
  private final InstantSource clock;
  private long intervalNanos;
  private long toleranceNanos;
  private Integer advertisedLimit;
  /** Theoretical arrival time of the next request at the current rate. */
  private Instant nextSlot;

  RateLimiter(RateLimitPolicy policy, InstantSource clock) {
    this.policy = policy;
    this.clock = clock;
    this.nextSlot = clock.instant();
    configure(policy.ceilingPerMinute(), 1);
  }

  /** Reserves the next send time, or empty (reserving nothing) when that time is after the deadline. */
  synchronized Optional<Instant> reserve(Instant deadline) {
    Instant now = clock.instant();
    Instant tat = nextSlot.isAfter(now) ? nextSlot : now;
    Instant slot = later(now, tat.minusNanos(toleranceNanos));
    if (slot.isAfter(deadline)) {
      return Optional.empty();
    }
    nextSlot = tat.plusNanos(intervalNanos);
    return Optional.of(slot);
  }

  /** Learns from a response's headers (only from authenticated operations: {@code auth} has its own per-IP limit). */
  synchronized void observe(RateLimitHeaders headers) {
    if (headers.limit() != null && headers.limit() > 0
        && (advertisedLimit == null || headers.limit() < advertisedLimit)) {
      advertisedLimit = headers.limit();
      int cap = Math.min(advertisedLimit, policy.ceilingPerMinute());
      double perMinute = Math.min(policy.ceilingPerMinute(), policy.headroom() * advertisedLimit);
      // Any minute then holds at most burst - 1 + ceil(perMinute) requests, which this burst keeps within both the
      // advertised limit and the ceiling.
      int burst = Math.max(1, cap + 1 - (int) Math.ceil(perMinute));
      configure(perMinute, burst);
    }
    if (headers.remaining() != null && headers.remaining() == 0) {
      headers.untilRefresh().ifPresent(wait -> pauseUntil(clock.instant().plus(wait)));
    }
  }

  /** Nobody sends before {@code until}; after it, requests resume at the paced rate. */
  synchronized void pauseUntil(Instant until) {
    Instant resume = until.plusNanos(toleranceNanos);
    if (resume.isAfter(nextSlot)) {
      nextSlot = resume;
    }
  }

  synchronized Optional<Integer> advertisedLimit() {
    return Optional.ofNullable(advertisedLimit);
  }

  private void configure(double perMinute, int burst) {
    intervalNanos = (long) Math.ceil(WINDOW.toNanos() / perMinute);
    toleranceNanos = (burst - 1) * intervalNanos;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
