package dev.simgate.operator.soracom;

/**
 * The client's own request pacing.
 *
 * @param ceilingPerMinute the most requests per minute the client ever sends, also before the API has advertised its
 *     limit (SORACOM's limits are per minute, not published, and differ per API group; reference §4)
 * @param headroom share of the advertised {@code X-Soracom-Ratelimit-Limit} the client paces itself to (0 &lt; h ≤ 1);
 *     the rest is its burst allowance, so that no minute ever holds more requests than the advertised limit
 */
public record RateLimitPolicy(int ceilingPerMinute, double headroom) {
  public static final RateLimitPolicy DEFAULT = new RateLimitPolicy(600, 0.9);

  public RateLimitPolicy {
    if (ceilingPerMinute < 1) {
      throw new IllegalArgumentException("ceilingPerMinute must be at least 1");
    }
    if (!(headroom > 0 && headroom <= 1)) {
      throw new IllegalArgumentException("headroom must be in (0, 1]");
    }
  }
}
