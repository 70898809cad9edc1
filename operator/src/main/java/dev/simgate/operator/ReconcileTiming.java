package dev.simgate.operator;

import java.time.Duration;

import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.javaoperatorsdk.operator.processing.retry.Retry;

/**
 * How often the controllers try again. A failed reconcile is retried {@code retryAttempts} times with exponential
 * backoff from {@code firstRetry}; after that, and after every success, each resource is reconciled again at least
 * every {@code resync}, so an API outage longer than the retries leaves nothing stale for longer than that (JOSDK's
 * own default is 10 hours).
 */
public record ReconcileTiming(Duration resync, int retryAttempts, Duration firstRetry) {
  public static final ReconcileTiming DEFAULT = new ReconcileTiming(Duration.ofMinutes(5), 5, Duration.ofSeconds(2));

  public ReconcileTiming {
    if (resync.isNegative() || resync.isZero()) {
      throw new IllegalArgumentException("resync interval must be positive, was " + resync);
    }
    if (retryAttempts < 1) {
      throw new IllegalArgumentException("retry attempts must be at least 1, was " + retryAttempts);
    }
  }

  public Retry retry() {
    return GenericRetry.defaultLimitedExponentialRetry()
        .setMaxAttempts(retryAttempts)
        .setInitialInterval(firstRetry.toMillis())
        .setIntervalMultiplier(1.5);
  }
}
