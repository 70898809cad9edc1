package dev.simgate.operator.soracom.model;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fields of {@code Sim} (reference §7.8) that SimGate reads. A {@code Sim} has no top-level IMSI: see {@link #imsis()}.
 *
 * @param tags a {@code TagSet}; the SIM's name is {@code tags.name} ({@code ""} when unnamed)
 * @param groupId absent or null when the SIM is in no group
 */
public record Sim(
    String simId,
    String operatorId,
    String status,
    String type,
    String groupId,
    Map<String, String> tags,
    String activeProfileId,
    Map<String, SimProfile> profiles,
    SessionStatus sessionStatus,
    ArcSessionStatus arcSessionStatus,
    Long lastModifiedTime) {

  /** The {@code name} tag, or empty when the SIM has none (or an empty one). */
  public Optional<String> name() {
    return Optional.ofNullable(tags).map(t -> t.get("name")).filter(n -> !n.isEmpty());
  }

  /** The IMSI of the current session first, then each profile's primary IMSI and its other subscribers' IMSIs. */
  public List<String> imsis() {
    Set<String> imsis = new LinkedHashSet<>();
    if (sessionStatus != null && sessionStatus.imsi() != null) {
      imsis.add(sessionStatus.imsi());
    }
    if (profiles != null) {
      for (SimProfile profile : profiles.values()) {
        if (profile == null) {
          continue;
        }
        if (profile.primaryImsi() != null) {
          imsis.add(profile.primaryImsi());
        }
        if (profile.subscribers() != null) {
          profile.subscribers().values().stream()
              .filter(s -> s != null && s.imsi() != null)
              .forEach(s -> imsis.add(s.imsi()));
        }
      }
    }
    return List.copyOf(imsis);
  }

  public boolean isOnline() {
    return sessionStatus != null && sessionStatus.isOnline();
  }

  /** The address of the current session: {@code sessionStatus.ueIpAddress}, or an Arc SIM's client address. */
  public Optional<String> sessionAddress() {
    if (!isOnline()) {
      return Optional.empty();
    }
    return Optional.ofNullable(sessionStatus.ueIpAddress())
        .or(() -> Optional.ofNullable(arcSessionStatus).map(ArcSessionStatus::arcClientPeerIpAddress));
  }
}
