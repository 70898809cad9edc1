package dev.simgate.operator.soracom;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one API call to its end: waits for a rate-limit slot, adds the session, sends, and decides what an answer means.
 *
 * <ul>
 *   <li>2xx: done.
 *   <li>429: everyone pauses until the window refreshes ({@link Backoff#afterRateLimit}), then this call tries again.
 *   <li>5xx, I/O error, timeout: retried with exponential backoff and jitter, {@link RetryPolicy#maxAttempts} in all.
 *   <li>401 (or 403 with an {@code AUM*} code) on an authenticated call: the session is dropped, a new one made, and
 *       the call sent once more.
 *   <li>any other 4xx: not retried.
 * </ul>
 * Nothing waits past {@link RetryPolicy#callDeadline}: a wait that would end after it fails the call at once.
 */
final class CallExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(CallExecutor.class);

  /** Where an authenticated call gets its key and token, and reports them refused. */
  interface SessionSource {
    ApiSession current();

    void discard(ApiSession rejected);

    /** Whether a refused session may be replaced by a new one (not while renewing the refused one itself). */
    default boolean canReplace() {
      return true;
    }
  }

  private final HttpTransport transport;
  private final URI base;
  private final RateLimiter limiter;
  private final Backoff backoff;
  private final ApiErrors errors;
  private final RetryPolicy policy;
  private final InstantSource clock;
  private final Sleeper sleeper;

  CallExecutor(HttpTransport transport, URI base, RateLimiter limiter, Backoff backoff, ApiErrors errors, RetryPolicy policy,
      InstantSource clock, Sleeper sleeper) {
    this.transport = transport;
    this.base = base;
    this.limiter = limiter;
    this.backoff = backoff;
    this.errors = errors;
    this.policy = policy;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Sends {@code request}; {@code sessions} is null for the unauthenticated {@code auth}. */
  ApiResponse call(ApiRequest request, SessionSource sessions) {
    Instant started = clock.instant();
    Instant deadline = started.plus(policy.callDeadline());
    int attempts = 0;
    int failures = 0;
    int limited = 0;
    boolean reauthenticated = false;
    ApiResponse lastLimited = null;
    while (true) {
      waitForSlot(request, deadline, lastLimited, attempts);
      ApiSession session = request.authenticated() ? sessions.current() : null;
      attempts++;
      ApiResponse response;
      try {
        response = transport.send(request, session);
      } catch (IOException e) {
        failures++;
        SoracomUnavailableException failure = unavailable(request, attempts, started, e);
        debug(request, attempts, "failed", -1, e.getClass().getSimpleName());
        if (failures >= policy.maxAttempts()) {
          throw failure;
        }
        pause(request, backoff.afterFailure(failures), deadline, failure);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SoracomException(request.operation(), "interrupted during SORACOM " + request.operation(), true, e);
      }
      if (request.authenticated()) {
        limiter.observe(RateLimitHeaders.of(response));
      }
      int status = response.status();
      debug(request, attempts, "answered", status, null);
      if (response.isSuccess()) {
        return response;
      }
      if (status == 429) {
        limited++;
        lastLimited = response;
        limiter.pauseUntil(clock.instant().plus(backoff.afterRateLimit(RateLimitHeaders.of(response), limited)));
        continue;
      }
      if (status >= 500) {
        failures++;
        SoracomApiException failure = errors.toException(request, response, attempts);
        if (failures >= policy.maxAttempts()) {
          throw failure;
        }
        pause(request, backoff.afterFailure(failures), deadline, failure);
        continue;
      }
      if (session != null && !reauthenticated && sessions.canReplace() && errors.rejectsToken(response)) {
        reauthenticated = true;
        sessions.discard(session);
        continue;
      }
      throw errors.toException(request, response, attempts);
    }
  }

  private void waitForSlot(ApiRequest request, Instant deadline, ApiResponse lastLimited, int attempts) {
    Optional<Instant> slot = limiter.reserve(deadline);
    if (slot.isEmpty()) {
      throw lastLimited != null
          ? errors.toException(request, lastLimited, attempts)
          : new SoracomRateLimitedException(request.operation(), null,
              "the advertised rate limit leaves no slot before the call's deadline", attempts);
    }
    sleepUntil(request, slot.get());
  }

  /** Waits before a retry, unless the wait would end past the deadline: then the last failure is the answer. */
  private void pause(ApiRequest request, Duration wait, Instant deadline, SoracomException ifTooLate) {
    Instant until = clock.instant().plus(wait);
    if (until.isAfter(deadline)) {
      throw ifTooLate;
    }
    sleepUntil(request, until);
  }

  private void sleepUntil(ApiRequest request, Instant until) {
    try {
      for (Instant now = clock.instant(); now.isBefore(until); now = clock.instant()) {
        sleeper.sleep(Duration.between(now, until));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SoracomException(request.operation(), "interrupted while waiting to call SORACOM " + request.operation(), true, e);
    }
  }

  private SoracomUnavailableException unavailable(ApiRequest request, int attempts, Instant started, IOException e) {
    Duration spent = Duration.between(started, clock.instant());
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    return new SoracomUnavailableException(request.operation(), "SORACOM " + request.operation() + " unreachable at "
        + base.getHost() + " after " + attempts + (attempts == 1 ? " attempt" : " attempts") + " in "
        + spent.toSeconds() + " s (" + why + ")", e);
  }

  private static void debug(ApiRequest request, int attempt, String outcome, int status, String error) {
    LOG.atDebug().addKeyValue("operation", request.operation()).addKeyValue("method", request.method())
        .addKeyValue("attempt", attempt).addKeyValue("status", status).addKeyValue("error", error)
        .log("SORACOM call " + outcome);
  }
}
