package dev.simgate.operator.soracom.model;

/**
 * {@code IpAddressMapEntry} (reference §7.4).
 *
 * @param key the IMSI for a SIM entry; the inner address for a Gate peer or VPG entry
 * @param type {@code static} (set through put), {@code dynamic}, {@code customerGatePeer}, {@code gatePeer} (the VPG's)
 * @param hostId deprecated duplicate of {@code key}
 */
public record IpAddressMapEntry(String key, String ipAddress, String type, String hostId, Long lastUpdatedAt) {
  public boolean isStatic() {
    return "static".equals(type);
  }
}
