package dev.simgate.operator.soracom;

/**
 * A SORACOM call failed. Messages name the operation and what went wrong, never a credential or token.
 * {@link #isTransient()} tells a caller whether trying again later may help (keep the last known state meanwhile).
 */
public class SoracomException extends RuntimeException {
  private final String operation;
  private final boolean transientFailure;

  public SoracomException(String operation, String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.operation = operation;
    this.transientFailure = transientFailure;
  }

  /** The API's operationId, e.g. {@code registerGatePeer}. */
  public String operation() {
    return operation;
  }

  public boolean isTransient() {
    return transientFailure;
  }
}
