package dev.simgate.operator.soracom;

import java.time.Duration;
import java.util.Optional;

/**
 * The rate-limit headers SORACOM documents (reference §4; not in the spec): quota of the window, what is left of it, and
 * seconds until it refreshes. Each may be absent or unreadable; then it is null.
 */
record RateLimitHeaders(Integer limit, Integer remaining, Long secondsBeforeRefresh) {
  static RateLimitHeaders of(ApiResponse response) {
    return new RateLimitHeaders(
        number(response.header("x-soracom-ratelimit-limit")).map(Long::intValue).orElse(null),
        number(response.header("x-soracom-ratelimit-remaining")).map(Long::intValue).orElse(null),
        number(response.header("x-soracom-ratelimit-seconds-before-refresh")).orElse(null));
  }

  Optional<Duration> untilRefresh() {
    return Optional.ofNullable(secondsBeforeRefresh).map(Duration::ofSeconds);
  }

  private static Optional<Long> number(Optional<String> header) {
    try {
      return header.map(String::trim).map(Long::parseLong).filter(n -> n >= 0 && n <= Integer.MAX_VALUE);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
