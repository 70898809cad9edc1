package dev.simgate.operator.soracom;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the client talks to the SORACOM API. Holds no secret, so it may be logged.
 *
 * @param coverage selects the API base URL (reference §1)
 * @param endpointOverride a base URL (including {@code /v1}) that replaces the coverage's, for tests and proxies; may be null
 * @param tokenLifetime {@code tokenTimeoutSeconds} asked for at {@code auth}: 180 s to 48 h (reference §2.2)
 * @param connectTimeout TCP/TLS connect timeout of one attempt
 * @param callTimeout time one attempt may take until its response headers arrive
 */
public record SoracomSettings(Coverage coverage, URI endpointOverride, Duration tokenLifetime, Duration connectTimeout,
    Duration callTimeout, RetryPolicy retry, RateLimitPolicy rateLimit, String userAgent) {
  static final Duration MIN_TOKEN_LIFETIME = Duration.ofSeconds(180);
  static final Duration MAX_TOKEN_LIFETIME = Duration.ofSeconds(172_800);

  public SoracomSettings {
    Objects.requireNonNull(coverage, "coverage");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(rateLimit, "rateLimit");
    Objects.requireNonNull(userAgent, "userAgent");
    if (tokenLifetime == null || tokenLifetime.compareTo(MIN_TOKEN_LIFETIME) < 0
        || tokenLifetime.compareTo(MAX_TOKEN_LIFETIME) > 0) {
      throw new IllegalArgumentException("tokenLifetime must be between 180 s and 172800 s, was " + tokenLifetime);
    }
    if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()
        || callTimeout == null || callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    if (endpointOverride != null && (endpointOverride.getScheme() == null || endpointOverride.getHost() == null)) {
      throw new IllegalArgumentException("endpoint override must be an absolute http(s) URL, was " + endpointOverride);
    }
  }

  public static SoracomSettings defaults(Coverage coverage) {
    return new SoracomSettings(coverage, null, Duration.ofHours(24), Duration.ofSeconds(5), Duration.ofSeconds(15),
        RetryPolicy.DEFAULT, RateLimitPolicy.DEFAULT, "simgate-operator");
  }

  /** The base URL every operation path is relative to, without a trailing slash. */
  public URI baseUri() {
    String base = (endpointOverride != null ? endpointOverride : coverage.baseUri()).toString();
    return URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
  }

  public SoracomSettings withEndpoint(URI endpoint) {
    return new SoracomSettings(coverage, endpoint, tokenLifetime, connectTimeout, callTimeout, retry, rateLimit, userAgent);
  }

  public SoracomSettings withTokenLifetime(Duration lifetime) {
    return new SoracomSettings(coverage, endpointOverride, lifetime, connectTimeout, callTimeout, retry, rateLimit, userAgent);
  }

  public SoracomSettings withTimeouts(Duration connect, Duration call) {
    return new SoracomSettings(coverage, endpointOverride, tokenLifetime, connect, call, retry, rateLimit, userAgent);
  }

  public SoracomSettings withRetry(RetryPolicy policy) {
    return new SoracomSettings(coverage, endpointOverride, tokenLifetime, connectTimeout, callTimeout, policy, rateLimit, userAgent);
  }

  public SoracomSettings withRateLimit(RateLimitPolicy policy) {
    return new SoracomSettings(coverage, endpointOverride, tokenLifetime, connectTimeout, callTimeout, retry, policy, userAgent);
  }
}
