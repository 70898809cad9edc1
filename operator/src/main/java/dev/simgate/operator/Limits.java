package dev.simgate.operator;

/**
 * Bounds a user meets, so that one VPG cannot grow the operator's work or an object past what Kubernetes stores.
 *
 * @param routesPerVpg CIDRs that the DeviceSubnets of one VPG may route in total (each gate node installs one route
 *     per CIDR, and the operator's record of who holds which range is one ConfigMap per VPG)
 * @param agentConfigBytes size of a GatePeer's rendered agent config; a ConfigMap holds at most 1 MiB
 */
public record Limits(int routesPerVpg, int agentConfigBytes) {
  public static final Limits DEFAULT = new Limits(1024, 1_000_000);

  public Limits {
    if (routesPerVpg < 1 || agentConfigBytes < 1) {
      throw new IllegalArgumentException("limits must be positive: routesPerVpg=" + routesPerVpg
          + ", agentConfigBytes=" + agentConfigBytes);
    }
  }
}
