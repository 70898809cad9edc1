package dev.simgate.operator.soracom;

/**
 * The API answered with an error status. Carries the {@code APICallErrorMessage} fields (reference §5): {@code code}
 * and {@code message}, both null when the body had neither. Branch on {@link #httpStatus()}; SORACOM publishes no
 * catalogue of codes, so {@link #code()} is for people and logs.
 */
public class SoracomApiException extends SoracomException {
  private final int httpStatus;
  private final String code;
  private final String apiMessage;

  public SoracomApiException(String operation, int httpStatus, String code, String apiMessage, int attempts) {
    super(operation, describe(operation, httpStatus, code, apiMessage, attempts), httpStatus >= 500 || httpStatus == 429, null);
    this.httpStatus = httpStatus;
    this.code = code;
    this.apiMessage = apiMessage;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String code() {
    return code;
  }

  public String apiMessage() {
    return apiMessage;
  }

  public boolean isNotFound() {
    return httpStatus == 404;
  }

  private static String describe(String operation, int status, String code, String message, int attempts) {
    StringBuilder s = new StringBuilder("SORACOM ").append(operation).append(" answered HTTP ").append(status);
    if (code != null) {
      s.append(' ').append(code);
    }
    if (message != null) {
      s.append(": ").append(message);
    }
    if (attempts > 1) {
      s.append(" (after ").append(attempts).append(" attempts)");
    }
    return s.toString();
  }
}
