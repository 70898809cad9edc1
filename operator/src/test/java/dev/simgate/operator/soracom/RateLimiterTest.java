package dev.simgate.operator.soracom;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimiterTest {
  private static final Instant FAR = Instant.MAX;
  private final ManualTime time = new ManualTime();

  @Test
  void beforeAnyAdvertisementItPacesAtTheCeilingWithoutBurst() {
    RateLimiter limiter = new RateLimiter(new RateLimitPolicy(60, 0.9), time);
    List<Instant> sent = sendSequentially(limiter, 5);
    for (int i = 1; i < sent.size(); i++) {
      assertThat(Duration.between(sent.get(i - 1), sent.get(i))).isEqualTo(Duration.ofSeconds(1));
    }
  }

  /** Whatever the limit, no minute holds more requests than it, even with many callers queued at once. */
  @ParameterizedTest
  @ValueSource(ints = {1, 3, 5, 10, 12, 20, 99, 1000})
  void noMinuteExceedsTheAdvertisedLimit(int limit) {
    RateLimiter limiter = new RateLimiter(new RateLimitPolicy(100_000, 0.9), time);
    limiter.observe(new RateLimitHeaders(limit, limit, 60L));
    // Reserve many slots at once, as concurrent callers do, then check every 60 s window of them.
    List<Instant> slots = new ArrayList<>();
    for (int i = 0; i < 5 * limit + 10; i++) {
      slots.add(limiter.reserve(FAR).orElseThrow());
    }
    assertThat(maxWithin(slots, Duration.ofMinutes(1))).isLessThanOrEqualTo(limit);
    // ... and it still uses most of the limit: 90 % headroom.
    Instant lastMinute = slots.getLast().minus(Duration.ofMinutes(1));
    assertThat(slots.stream().filter(s -> s.isAfter(lastMinute)).count()).isGreaterThanOrEqualTo((long) Math.floor(0.9 * limit));
  }

  @Test
  void theSmallestAdvertisedLimitIsKept() {
    RateLimiter limiter = new RateLimiter(RateLimitPolicy.DEFAULT, time);
    limiter.observe(new RateLimitHeaders(30, 29, 60L));
    limiter.observe(new RateLimitHeaders(1000, 999, 60L));
    assertThat(limiter.advertisedLimit()).contains(30);
  }

  @Test
  void thePolicyCeilingCapsAGenerousLimit() {
    RateLimiter limiter = new RateLimiter(new RateLimitPolicy(6, 0.9), time);
    limiter.observe(new RateLimitHeaders(1000, 999, 60L));
    List<Instant> slots = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      slots.add(limiter.reserve(FAR).orElseThrow());
    }
    assertThat(maxWithin(slots, Duration.ofMinutes(1))).isLessThanOrEqualTo(6);
    assertThat(Duration.between(slots.get(slots.size() - 2), slots.getLast())).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aPauseHoldsEveryoneAndThenResumesSpreadOutNotAllAtOnce() {
    RateLimiter limiter = new RateLimiter(new RateLimitPolicy(600, 0.9), time);
    limiter.observe(new RateLimitHeaders(100, 50, 60L));
    Instant until = time.instant().plus(Duration.ofSeconds(45));
    limiter.pauseUntil(until);
    List<Instant> slots = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      slots.add(limiter.reserve(FAR).orElseThrow());
    }
    assertThat(slots.getFirst()).isEqualTo(until);
    assertThat(slots).allSatisfy(s -> assertThat(s).isAfterOrEqualTo(until));
    assertThat(slots).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void aResponseWithNothingRemainingPausesUntilTheRefresh() {
    RateLimiter limiter = new RateLimiter(new RateLimitPolicy(600, 0.9), time);
    limiter.observe(new RateLimitHeaders(100, 0, 17L));
    assertThat(limiter.reserve(FAR)).contains(time.instant().plus(Duration.ofSeconds(17)));
  }

  @Test
  void aSlotPastTheDeadlineIsRefusedAndNotTaken() {
    RateLimiter limiter = new RateLimiter(new RateLimitPolicy(60, 0.9), time);
    limiter.pauseUntil(time.instant().plus(Duration.ofMinutes(5)));
    assertThat(limiter.reserve(time.instant().plus(Duration.ofMinutes(1)))).isEmpty();
    assertThat(limiter.reserve(FAR)).contains(time.instant().plus(Duration.ofMinutes(5)));
  }

  private List<Instant> sendSequentially(RateLimiter limiter, int n) {
    List<Instant> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Instant slot = limiter.reserve(FAR).orElseThrow();
      if (slot.isAfter(time.instant())) {
        time.advance(Duration.between(time.instant(), slot));
      }
      sent.add(time.instant());
    }
    return sent;
  }

  private static int maxWithin(List<Instant> sorted, Duration window) {
    int max = 0;
    for (int i = 0, j = 0; i < sorted.size(); i++) {
      while (j < sorted.size() && sorted.get(j).isBefore(sorted.get(i).plus(window))) {
        j++;
      }
      max = Math.max(max, j - i);
    }
    return max;
  }
}
