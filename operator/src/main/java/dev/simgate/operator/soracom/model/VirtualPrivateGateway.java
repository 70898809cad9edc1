package dev.simgate.operator.soracom.model;

import java.util.Map;
import java.util.Optional;

/**
 * The fields of {@code VirtualPrivateGateway} (reference §7.3) that SimGate reads; the others are ignored. Every
 * field may be null. The object lists no Gate peers: those come from {@code listGatePeers}.
 *
 * @param type 12 Type-C, 13 Type-D, 14 Type-E, 15 Type-F, 242 Type-F2
 * @param gateVxlanId the VNI; a JSON {@code number} in the spec, read as a whole number
 */
public record VirtualPrivateGateway(
    String vpgId,
    String operatorId,
    Integer type,
    String status,
    Placement placement,
    String deviceSubnetCidrRange,
    String ueSubnetCidrRange,
    String vpgSubnetCidrRange,
    Boolean gateOpened,
    Long gateVxlanId,
    Boolean gatePrivacySeparatorEnabled,
    SessionStats sessionStats,
    Map<String, String> tags,
    Long createdTime,
    Long lastModifiedTime) {

  /** The device subnet; {@code ueSubnetCidrRange} is the spec's second name for it. */
  public Optional<String> deviceSubnet() {
    return Optional.ofNullable(deviceSubnetCidrRange).or(() -> Optional.ofNullable(ueSubnetCidrRange));
  }

  public boolean isGateOpen() {
    return Boolean.TRUE.equals(gateOpened);
  }

  public Optional<Long> vni() {
    return Optional.ofNullable(gateVxlanId);
  }
}
