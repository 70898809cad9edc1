package dev.simgate.operator.soracom;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class BackoffTest {
  private final RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(2),
      Duration.ofSeconds(60));

  @Test
  void failuresBackOffExponentiallyInTheUpperHalfOfEachStepUpToTheCap() {
    Backoff backoff = new Backoff(policy, new Random(1));
    long[] steps = {1, 2, 4, 8, 16, 30, 30};
    for (int i = 0; i < steps.length; i++) {
      for (int sample = 0; sample < 50; sample++) {
        Duration d = backoff.afterFailure(i + 1);
        assertThat(d).as("failure " + (i + 1)).isBetween(Duration.ofMillis(steps[i] * 500), Duration.ofSeconds(steps[i]));
      }
    }
    assertThat(backoff.afterFailure(10_000)).isLessThanOrEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void jitterSpreadsRetries() {
    Backoff backoff = new Backoff(policy, new Random(2));
    assertThat(IntStream.range(0, 20).mapToObj(i -> backoff.afterFailure(3)).distinct().count()).isGreaterThan(10);
  }

  @Test
  void after429ItWaitsAtLeastUntilTheRefreshAndAtMostTheCapPlusJitter() {
    Backoff backoff = new Backoff(policy, new Random(3));
    for (int i = 0; i < 50; i++) {
      assertThat(backoff.afterRateLimit(new RateLimitHeaders(100, 0, 20L), 1)).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(22));
      assertThat(backoff.afterRateLimit(new RateLimitHeaders(100, 0, 0L), 1)).as("never hot").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(backoff.afterRateLimit(new RateLimitHeaders(100, 0, 3600L), 1)).as("up to a minute")
          .isBetween(Duration.ofSeconds(60), Duration.ofSeconds(65));
    }
  }

  @Test
  void after429WithoutHeadersItBacksOffExponentiallyUpToAMinute() {
    Backoff backoff = new Backoff(policy, new Random(4));
    RateLimitHeaders none = new RateLimitHeaders(null, null, null);
    assertThat(backoff.afterRateLimit(none, 1)).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1100));
    assertThat(backoff.afterRateLimit(none, 4)).isBetween(Duration.ofSeconds(8), Duration.ofMillis(8800));
    assertThat(backoff.afterRateLimit(none, 20)).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(65));
  }
}
