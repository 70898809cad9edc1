package dev.simgate.operator.soracom.model;

import java.util.Map;
import java.util.Optional;

/** The fields of {@code Subscriber} (reference §7.12) that SimGate reads: one object per IMSI, from {@code /subscribers}. */
public record Subscriber(
    String imsi,
    String simId,
    String groupId,
    Map<String, String> tags,
    SessionStatus sessionStatus,
    String status,
    String subscription,
    String msisdn,
    String iccid,
    Long lastModifiedTime) {

  public Optional<String> name() {
    return Optional.ofNullable(tags).map(t -> t.get("name")).filter(n -> !n.isEmpty());
  }

  public boolean isOnline() {
    return sessionStatus != null && sessionStatus.isOnline();
  }

  public Optional<String> sessionAddress() {
    return isOnline() ? Optional.ofNullable(sessionStatus.ueIpAddress()) : Optional.empty();
  }
}
