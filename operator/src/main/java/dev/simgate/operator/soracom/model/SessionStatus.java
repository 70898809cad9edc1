package dev.simgate.operator.soracom.model;

import java.util.List;

/**
 * {@code SessionStatus} (reference §7.6): the current session of a SIM. Which fields remain when offline is undocumented,
 * so every one is optional.
 *
 * @param ueIpAddress the device's IP address
 */
public record SessionStatus(
    Boolean online,
    String ueIpAddress,
    String imsi,
    String vpgId,
    String gatewayPrivateIpAddress,
    String gatewayPublicIpAddress,
    List<String> dnsServers,
    String imei,
    String sessionId,
    String subscription,
    Long lastUpdatedAt) {

  public boolean isOnline() {
    return Boolean.TRUE.equals(online);
  }
}
