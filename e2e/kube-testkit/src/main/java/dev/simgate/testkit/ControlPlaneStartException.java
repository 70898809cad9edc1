package dev.simgate.testkit;

/** The control plane did not start; the message names the component, and {@link #culprit()} holds its log. */
public final class ControlPlaneStartException extends RuntimeException {

  private final transient ManagedProcess culprit;

  ControlPlaneStartException(String message, ManagedProcess culprit) {
    this(message, culprit, null);
  }

  ControlPlaneStartException(String message, ManagedProcess culprit, Throwable cause) {
    super(message, cause);
    this.culprit = culprit;
  }

  ControlPlaneStartException withLogTails(String tails) {
    ControlPlaneStartException e =
        new ControlPlaneStartException(getMessage() + "\n" + tails, culprit, getCause());
    e.setStackTrace(getStackTrace());
    return e;
  }

  ManagedProcess culprit() {
    return culprit;
  }

  /** True when the component failed because another process took its port between choosing and binding it. */
  boolean portClash() {
    return culprit != null && culprit.tail(60).contains("address already in use");
  }
}
