package dev.simgate.operator.soracom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import dev.simgate.operator.soracom.WireBodies.ErrorBody;

/**
 * Turns an error response into an exception carrying the API's {@code code} and {@code message} (reference §5.1).
 * Bodies are read as JSON whatever their content type (one was seen sent as text/plain); the flat
 * {@code APICallErrorMessage} is tried first, then the nested {@code APICallError}. Text from the API passes through
 * {@link Secrets#redact} first.
 */
final class ApiErrors {
  private static final int MAX_TEXT = 200;
  private final Secrets secrets;

  ApiErrors(Secrets secrets) {
    this.secrets = secrets;
  }

  record Parsed(String code, String message) {}

  SoracomApiException toException(ApiRequest request, ApiResponse response, int attempts) {
    Parsed p = parse(response.body());
    String op = request.operation();
    int status = response.status();
    if (status == 429) {
      return new SoracomRateLimitedException(op, p.code(), p.message(), attempts);
    }
    if (status == 401 || isTokenRejection(status, p.code())) {
      return new SoracomAuthenticationException(op, status, p.code(), p.message(), attempts);
    }
    return new SoracomApiException(op, status, p.code(), p.message(), attempts);
  }

  /** 401, or 403 with an {@code AUM*} code: the key/token pair was refused (reference §2.2), so authenticate again. */
  boolean rejectsToken(ApiResponse response) {
    return response.status() == 401 || isTokenRejection(response.status(), parse(response.body()).code());
  }

  Parsed parse(byte[] body) {
    if (body == null || body.length == 0) {
      return new Parsed(null, null);
    }
    try {
      ErrorBody e = Json.MAPPER.readValue(body, ErrorBody.class);
      String code = e.code();
      String message = e.message();
      if (code == null && message == null && e.errorMessage() != null) {
        code = e.errorMessage().code();
        message = e.errorMessage().message();
      }
      return new Parsed(clean(code), clean(message));
    } catch (IOException notJson) {
      return new Parsed(null, clean(new String(body, StandardCharsets.UTF_8)));
    }
  }

  private String clean(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    // Redact before cutting, so that no part of a secret survives at the cut.
    String oneLine = secrets.redact(text.strip().replaceAll("\\s+", " "));
    return oneLine.length() > MAX_TEXT ? oneLine.substring(0, MAX_TEXT) + "…" : oneLine;
  }

  private static boolean isTokenRejection(int status, String code) {
    return status == 403 && code != null && code.startsWith("AUM");
  }
}
