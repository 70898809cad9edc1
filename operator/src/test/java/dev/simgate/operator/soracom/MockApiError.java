package dev.simgate.operator.soracom;

/**
 * An error answer of the mock, thrown from deep in a handler. Codes are the ones the reference records (AUM0001 seen by a
 * 2016 SDK test, COM0003 for internal errors), else invented with the prefix {@code MCK} so that no test mistakes them
 * for real SORACOM codes: SORACOM publishes no catalogue (reference §5.2).
 */
final class MockApiError extends RuntimeException {
  final int status;
  final String code;
  final boolean nested;

  MockApiError(int status, String code, String message) {
    this(status, code, message, false);
  }

  /** {@code nested}: the {@code APICallError} shape {@code {httpStatus, errorMessage: {code, message}}}. */
  MockApiError(int status, String code, String message, boolean nested) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.nested = nested;
  }

  static MockApiError badRequest(String message) {
    return new MockApiError(400, "MCK0400", message);
  }

  static MockApiError notFound(String message) {
    return new MockApiError(404, "MCK0404", message);
  }
}
