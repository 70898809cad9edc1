package dev.simgate.operator.soracom;

import dev.simgate.operator.soracom.model.GatePeer;

/**
 * The outer address asked for is already registered differently (another inner address, or a VPG-owned peer). The
 * client never replaces or removes such an entry on its own: the caller decides whether the entry is its to change.
 */
public final class GatePeerConflictException extends SoracomException {
  private final GatePeer existing;

  public GatePeerConflictException(String operation, String message, GatePeer existing) {
    super(operation, message, false, null);
    this.existing = existing;
  }

  public GatePeer existing() {
    return existing;
  }
}
