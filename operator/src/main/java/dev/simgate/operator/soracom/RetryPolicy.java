package dev.simgate.operator.soracom;

import java.time.Duration;

/**
 * How one client call retries.
 *
 * @param maxAttempts attempts in all for transient failures (I/O errors, timeouts, 5xx); 4xx other than 429 is never retried
 * @param initialBackoff backoff before the second attempt; doubles per attempt, with jitter
 * @param maxBackoff cap on one backoff
 * @param callDeadline bound on one call including all its retries and rate-limit waits: past it the call fails
 *     instead of waiting, so a caller can fall back to its last known state
 * @param maxRateLimitWait cap on one wait after HTTP 429; SORACOM says to wait "up to one minute" (reference §4)
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration callDeadline,
    Duration maxRateLimitWait) {
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofSeconds(60));

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    requirePositive(initialBackoff, "initialBackoff");
    requirePositive(maxBackoff, "maxBackoff");
    requirePositive(callDeadline, "callDeadline");
    requirePositive(maxRateLimitWait, "maxRateLimitWait");
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
