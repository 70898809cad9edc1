package dev.simgate.operator.soracom.link;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

import dev.simgate.operator.soracom.Coverage;
import dev.simgate.operator.soracom.RateLimitPolicy;
import dev.simgate.operator.soracom.RetryPolicy;
import dev.simgate.operator.soracom.SoracomClient;
import dev.simgate.operator.soracom.SoracomCredentials;
import dev.simgate.operator.soracom.SoracomSettings;

/**
 * How the operator talks to SORACOM: the client settings per coverage and how a client is made (tests inject one with
 * their own time).
 *
 * @param settings the client settings of a coverage (endpoint override applied later)
 * @param clients makes a client; called once per Secret, coverage and endpoint
 */
public record SoracomOptions(Function<Coverage, SoracomSettings> settings,
    BiFunction<SoracomSettings, SoracomCredentials, SoracomClient> clients) {
  /**
   * Retries stay short inside a reconcile (a call gives up after 30 s and the last known state stays in force); a 429
   * whose window ends later fails the call at once, and the client's limiter keeps every later call waiting for that
   * window rather than sending.
   */
  public static final RetryPolicy RECONCILE_RETRY =
      new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(30), Duration.ofSeconds(60));

  public static final SoracomOptions DEFAULT = new SoracomOptions(
      coverage -> SoracomSettings.defaults(coverage).withRetry(RECONCILE_RETRY).withRateLimit(RateLimitPolicy.DEFAULT),
      SoracomClient::new);

  public SoracomOptions {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clients, "clients");
  }
}
