package dev.simgate.operator.soracom;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

import com.fasterxml.jackson.core.type.TypeReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.simgate.operator.soracom.WireBodies.AuthRequest;
import dev.simgate.operator.soracom.WireBodies.AuthResponse;
import dev.simgate.operator.soracom.WireBodies.GenerateTokenRequest;
import dev.simgate.operator.soracom.WireBodies.GenerateTokenResponse;

/**
 * Keeps one API key and token for the whole client (reference §2.2, §9): {@code auth} once, then
 * {@code generateAuthToken} once four fifths of the token's life are gone, and {@code auth} again when renewal is
 * refused (400: the token already expired) or a call finds the token rejected. {@code auth} is rate-limited per source
 * address, so it is never called per request. A transient renewal failure keeps the current token while it lives.
 */
final class SessionKeeper implements CallExecutor.SessionSource {
  private static final Logger LOG = LoggerFactory.getLogger(SessionKeeper.class);
  private static final Duration RENEWAL_RETRY = Duration.ofMinutes(1);

  private final CallExecutor executor;
  private final SoracomCredentials credentials;
  private final Duration lifetime;
  private final InstantSource clock;
  private final Secrets secrets;
  private ApiSession session;
  private Instant nextRenewal = Instant.MIN;

  SessionKeeper(CallExecutor executor, SoracomCredentials credentials, Duration lifetime, InstantSource clock, Secrets secrets) {
    this.executor = executor;
    this.credentials = credentials;
    this.lifetime = lifetime;
    this.clock = clock;
    this.secrets = secrets;
  }

  @Override
  public synchronized ApiSession current() {
    Instant now = clock.instant();
    if (session == null || !now.isBefore(session.retireAt())) {
      session = authenticate();
    } else if (!now.isBefore(session.renewAt()) && !now.isBefore(nextRenewal)) {
      session = renew(session);
    }
    return session;
  }

  @Override
  public synchronized void discard(ApiSession rejected) {
    if (session == rejected) {
      session = null;
    }
  }

  private ApiSession authenticate() {
    Instant issuedAt = clock.instant();
    AuthRequest body = new AuthRequest(credentials.authKeyId(), credentials.authKey(), lifetime.toSeconds());
    AuthResponse auth = executor.call(ApiRequest.unauthenticatedPost("auth", "/auth", body), null)
        .json("auth", new TypeReference<AuthResponse>() {});
    if (auth.apiKey() == null || auth.token() == null) {
      throw new SoracomException("auth", "SORACOM auth answered without an API key or token", false, null);
    }
    secrets.remember(auth.apiKey());
    secrets.remember(auth.token());
    LOG.atInfo().addKeyValue("operatorId", auth.operatorId()).addKeyValue("tokenLifetimeSeconds", lifetime.toSeconds())
        .log("SORACOM authenticated");
    nextRenewal = Instant.MIN;
    return new ApiSession(auth.apiKey(), auth.token(), auth.operatorId(), issuedAt, lifetime);
  }

  private ApiSession renew(ApiSession old) {
    if (old.operatorId() == null) {
      return authenticate();
    }
    Instant issuedAt = clock.instant();
    ApiRequest request = ApiRequest.post("generateAuthToken", ApiRequest.path("operators", old.operatorId(), "token"),
        new GenerateTokenRequest(lifetime.toSeconds()));
    try {
      GenerateTokenResponse renewed = executor.call(request, fixed(old))
          .json("generateAuthToken", new TypeReference<GenerateTokenResponse>() {});
      if (renewed.token() == null) {
        throw new SoracomException("generateAuthToken", "SORACOM generateAuthToken answered without a token", false, null);
      }
      secrets.remember(renewed.token());
      LOG.atDebug().addKeyValue("tokenLifetimeSeconds", lifetime.toSeconds()).log("SORACOM token renewed");
      return old.withToken(renewed.token(), issuedAt, lifetime);
    } catch (SoracomException e) {
      if (e.isTransient()) {
        // Keep the token while it lives; try renewing again a little later rather than before every call.
        nextRenewal = clock.instant().plus(RENEWAL_RETRY);
        LOG.atDebug().addKeyValue("reason", e.getMessage()).log("SORACOM token renewal failed; keeping the current token");
        return old;
      }
      return authenticate();
    }
  }

  /** Renewal presents the old pair and must not trigger a second authentication inside the executor. */
  private static CallExecutor.SessionSource fixed(ApiSession old) {
    return new CallExecutor.SessionSource() {
      @Override
      public ApiSession current() {
        return old;
      }

      @Override
      public void discard(ApiSession rejected) {}

      @Override
      public boolean canReplace() {
        return false;
      }
    };
  }
}
