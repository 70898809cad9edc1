package dev.simgate.operator.soracom;

/** The API kept answering 429 (or its advertised limit kept the client waiting) until the call's deadline. */
public final class SoracomRateLimitedException extends SoracomApiException {
  public SoracomRateLimitedException(String operation, String code, String apiMessage, int attempts) {
    super(operation, 429, code, apiMessage, attempts);
  }
}
