package dev.simgate.operator;

import dev.simgate.operator.render.SlicePacker;

/**
 * Bounds a user meets, so that one VPG cannot grow the operator's work or an object past what Kubernetes stores.
 *
 * @param routesPerVpg CIDRs that the DeviceSubnets of one VPG may route in total (each gate node installs one route
 *     per CIDR, and the operator's record of who holds which range is one ConfigMap per VPG)
 * @param agentConfigBytes size of a GatePeer's rendered agent config; a ConfigMap holds at most 1 MiB
 * @param endpointsPerSlice devices per EndpointSlice of a DeviceSubnet (1..1000): fewer objects with more, smaller
 *     writes (each change rewrites one whole slice and every CoreDNS receives it) with fewer
 */
public record Limits(int routesPerVpg, int agentConfigBytes, int endpointsPerSlice) {
  public static final Limits DEFAULT = new Limits(1024, 1_000_000, SlicePacker.MAX_CAPACITY);

  public Limits {
    if (routesPerVpg < 1 || agentConfigBytes < 1) {
      throw new IllegalArgumentException("limits must be positive: routesPerVpg=" + routesPerVpg
          + ", agentConfigBytes=" + agentConfigBytes);
    }
    if (endpointsPerSlice < 1 || endpointsPerSlice > SlicePacker.MAX_CAPACITY) {
      throw new IllegalArgumentException("endpoints per EndpointSlice must be 1.." + SlicePacker.MAX_CAPACITY
          + " (the API server's limit), was " + endpointsPerSlice);
    }
  }

  public Limits withRoutesPerVpg(int value) {
    return new Limits(value, agentConfigBytes, endpointsPerSlice);
  }

  public Limits withAgentConfigBytes(int value) {
    return new Limits(routesPerVpg, value, endpointsPerSlice);
  }

  public Limits withEndpointsPerSlice(int value) {
    return new Limits(routesPerVpg, agentConfigBytes, value);
  }
}
