package dev.simgate.operator.soracom;

/** Request and response bodies that stay inside the client. The ones carrying secrets redact themselves in toString. */
final class WireBodies {
  private WireBodies() {}

  /** {@code AuthRequest} with the AuthKey credential set (reference §2.1). */
  record AuthRequest(String authKeyId, String authKey, Long tokenTimeoutSeconds) {
    @Override
    public String toString() {
      return "AuthRequest[redacted, tokenTimeoutSeconds=" + tokenTimeoutSeconds + "]";
    }
  }

  /** {@code AuthResponse}; {@code token} is a JWT the client never parses (its signature cannot be checked outside SORACOM). */
  record AuthResponse(String apiKey, String token, String operatorId, String userName) {
    @Override
    public String toString() {
      return "AuthResponse[redacted, operatorId=" + operatorId + "]";
    }
  }

  /** {@code GenerateTokenRequest} (reference §2.3). */
  record GenerateTokenRequest(Long tokenTimeoutSeconds) {}

  /** {@code GenerateTokenResponse}: a new token for the same API key. */
  record GenerateTokenResponse(String token) {
    @Override
    public String toString() {
      return "GenerateTokenResponse[redacted]";
    }
  }

  /** {@code RegisterGatePeerRequest} (reference §7.2); a null inner address lets the API assign one. */
  record RegisterGatePeerRequest(String outerIpAddress, String innerIpAddress) {}

  /** {@code OpenGateRequest}; nulls are left out so the API's defaults (VNI 10, separator off) apply. */
  record OpenGateRequest(Integer vxlanId, Boolean privacySeparatorEnabled) {}

  /** The flat {@code APICallErrorMessage}, and the nested {@code APICallError} some operations use (reference §5.1). */
  record ErrorBody(String code, String message, Integer httpStatus, ErrorBody errorMessage) {}
}
