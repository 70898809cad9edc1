package dev.simgate.operator.soracom.link;

/**
 * The operator cannot talk to SORACOM for a VPG because of something a person must fix in the cluster (the Secret,
 * the endpoint): nothing is sent to the API. The message names the object and key, never a value from the Secret.
 */
public final class SoracomSetupException extends RuntimeException {
  public static final String SECRET_NOT_FOUND = "SoracomSecretNotFound";
  public static final String SECRET_INVALID = "SoracomSecretInvalid";
  public static final String ENDPOINT_NOT_ALLOWED = "SoracomEndpointNotAllowed";

  private final String reason;

  public SoracomSetupException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** A condition reason. */
  public String reason() {
    return reason;
  }
}
