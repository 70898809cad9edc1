package dev.simgate.operator.vpg;

/**
 * What the SORACOM side says about a VPG's readiness: nothing against it (OK), work under way (RECONCILING), or a
 * person must act (STALLED), with a condition reason and a message.
 */
public record SoracomVerdict(Kind kind, String reason, String message) {
  public enum Kind { OK, RECONCILING, STALLED }

  public static final String MISMATCH = "SoracomMismatch";
  public static final String GATE_CLOSED = "GateClosed";
  public static final String REGISTRATION_CONFLICT = "GatePeerRegistrationConflict";
  public static final String API_ERROR = "SoracomAPIError";
  public static final String UNAVAILABLE = "SoracomUnavailable";
  public static final String REGISTERING = "RegisteringGatePeers";
  public static final String NO_VPG_PEERS = "SoracomNoVpgPeers";

  public static SoracomVerdict ok() {
    return new SoracomVerdict(Kind.OK, null, null);
  }

  public static SoracomVerdict reconciling(String reason, String message) {
    return new SoracomVerdict(Kind.RECONCILING, reason, message);
  }

  public static SoracomVerdict stalled(String reason, String message) {
    return new SoracomVerdict(Kind.STALLED, reason, message);
  }
}
