package dev.simgate.operator.soracom.link;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

import dev.simgate.operator.api.v1alpha1.SoracomError;
import dev.simgate.operator.soracom.SoracomApiException;
import dev.simgate.operator.soracom.SoracomException;

/** A failed SORACOM call as status shows it: operation, HTTP status, the API's code and message (already redacted). */
public final class ErrorReport {
  private ErrorReport() {}

  /**
   * The error, or {@code previous} unchanged while the same kind of error (operation, HTTP status, code) repeats: an
   * outage then does not rewrite status on every retry, and {@code since} says how long it has lasted.
   */
  public static SoracomError of(SoracomException e, SoracomError previous, Instant now) {
    Integer status = e instanceof SoracomApiException api ? api.httpStatus() : null;
    String code = e instanceof SoracomApiException api ? api.code() : null;
    if (previous != null && Objects.equals(previous.operation(), e.operation()) && Objects.equals(previous.httpStatus(), status)
        && Objects.equals(previous.code(), code)) {
      return previous;
    }
    return new SoracomError(e.operation(), status, code, e.getMessage(), now.truncatedTo(ChronoUnit.SECONDS).toString());
  }
}
