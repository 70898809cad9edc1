package dev.simgate.operator.soracom;

/** No HTTP answer: connection refused, reset, timed out, or the response could not be read. Always transient. */
public final class SoracomUnavailableException extends SoracomException {
  public SoracomUnavailableException(String operation, String message, Throwable cause) {
    super(operation, message, true, cause);
  }
}
