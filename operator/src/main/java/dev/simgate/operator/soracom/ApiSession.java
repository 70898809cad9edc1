package dev.simgate.operator.soracom;

import java.time.Duration;
import java.time.Instant;

/**
 * An API key and token from {@code auth}, and what the client knows of the token's life: the lifetime it asked for,
 * counted from just before it asked (the token itself is not parsed; reference §2.1). toString shows neither secret.
 */
final class ApiSession {
  private final String apiKey;
  private final String token;
  private final String operatorId;
  private final Instant issuedAt;
  private final Duration lifetime;

  ApiSession(String apiKey, String token, String operatorId, Instant issuedAt, Duration lifetime) {
    this.apiKey = apiKey;
    this.token = token;
    this.operatorId = operatorId;
    this.issuedAt = issuedAt;
    this.lifetime = lifetime;
  }

  String apiKey() {
    return apiKey;
  }

  String token() {
    return token;
  }

  String operatorId() {
    return operatorId;
  }

  /** Renewal starts once four fifths of the lifetime are gone, so a failed renewal leaves time to try again. */
  Instant renewAt() {
    return issuedAt.plus(lifetime.multipliedBy(4).dividedBy(5));
  }

  /** Stops being used a little before it expires: a request in flight must not arrive with a dead token. */
  Instant retireAt() {
    Duration margin = lifetime.dividedBy(10).compareTo(Duration.ofSeconds(30)) < 0 ? lifetime.dividedBy(10) : Duration.ofSeconds(30);
    return issuedAt.plus(lifetime).minus(margin);
  }

  ApiSession withToken(String newToken, Instant newIssuedAt, Duration newLifetime) {
    return new ApiSession(apiKey, newToken, operatorId, newIssuedAt, newLifetime);
  }

  @Override
  public String toString() {
    return "ApiSession[redacted, operatorId=" + operatorId + ", renewAt=" + renewAt() + "]";
  }
}
