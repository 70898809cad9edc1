package dev.simgate.operator.soracom;

import java.util.Objects;

/**
 * A SAM user's (or root) auth key: {@code authKeyId} + {@code authKey} (reference §2.1). Both are secrets to SimGate:
 * {@link #toString()} shows neither, and nothing in this package logs them or puts them into an exception message.
 */
public final class SoracomCredentials {
  private final String authKeyId;
  private final String authKey;

  public SoracomCredentials(String authKeyId, String authKey) {
    if (authKeyId == null || authKeyId.isBlank() || authKey == null || authKey.isBlank()) {
      // Says which part is missing, never what the other part is.
      throw new IllegalArgumentException("SORACOM credentials need both an auth key id and an auth key"
          + (authKeyId == null || authKeyId.isBlank() ? " (auth key id missing)" : " (auth key missing)"));
    }
    this.authKeyId = authKeyId.trim();
    this.authKey = authKey.trim();
  }

  String authKeyId() {
    return authKeyId;
  }

  String authKey() {
    return authKey;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SoracomCredentials c && c.authKeyId.equals(authKeyId) && c.authKey.equals(authKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(authKeyId, authKey);
  }

  @Override
  public String toString() {
    return "SoracomCredentials[redacted]";
  }
}
