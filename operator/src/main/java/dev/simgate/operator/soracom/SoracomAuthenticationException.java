package dev.simgate.operator.soracom;

/** The API refused the credentials, or refused a fresh token again right after re-authenticating. */
public final class SoracomAuthenticationException extends SoracomApiException {
  public SoracomAuthenticationException(String operation, int httpStatus, String code, String apiMessage, int attempts) {
    super(operation, httpStatus, code, apiMessage, attempts);
  }
}
