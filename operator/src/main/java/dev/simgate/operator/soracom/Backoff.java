package dev.simgate.operator.soracom;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** How long to wait before trying again. Jitter keeps several operators (or replicas) from retrying in step. */
final class Backoff {
  private final RetryPolicy policy;
  private final RandomGenerator random;

  Backoff(RetryPolicy policy, RandomGenerator random) {
    this.policy = policy;
    this.random = random;
  }

  /** After the n-th transient failure (n ≥ 1): {@code initial × 2^(n-1)}, capped, then a random point in its upper half. */
  Duration afterFailure(int failures) {
    long base = exponential(policy.initialBackoff(), failures, policy.maxBackoff()).toNanos();
    return Duration.ofNanos(base / 2 + (long) (random.nextDouble() * (base - base / 2)));
  }

  /**
   * After a 429: until the window refreshes as the API says (at least a second, at most the policy's cap), or, without
   * that header, exponentially up to the cap; plus up to 10 % (at most 5 s) so waiting clients do not all return at once.
   * Never shorter than the API asked for.
   */
  Duration afterRateLimit(RateLimitHeaders headers, int consecutive) {
    Duration cap = policy.maxRateLimitWait();
    Duration wait = headers.untilRefresh()
        .map(d -> d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d)
        .map(d -> d.compareTo(cap) > 0 ? cap : d)
        .orElseGet(() -> exponential(policy.initialBackoff(), consecutive, cap));
    long jitterCap = Math.min(wait.toNanos() / 10, Duration.ofSeconds(5).toNanos());
    return wait.plusNanos((long) (random.nextDouble() * jitterCap));
  }

  private static Duration exponential(Duration initial, int n, Duration cap) {
    int shift = Math.min(Math.max(n - 1, 0), 30);
    Duration d = initial.multipliedBy(1L << shift);
    return d.compareTo(cap) > 0 || d.isNegative() ? cap : d;
  }
}
