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
 * @param nodesPerGatePeer nodes one GatePeer may select: its status lists every node (with what its agent reports,
 *     some hundred bytes each) and one object is stored whole, at most 1.5 MiB in etcd
 */
public record Limits(int routesPerVpg, int agentConfigBytes, int endpointsPerSlice, int nodesPerGatePeer) {
  public static final Limits DEFAULT = new Limits(1024, 1_000_000, SlicePacker.MAX_CAPACITY, 5000);

  public Limits {
    if (routesPerVpg < 1 || agentConfigBytes < 1 || nodesPerGatePeer < 1) {
      throw new IllegalArgumentException("limits must be positive: routesPerVpg=" + routesPerVpg
          + ", agentConfigBytes=" + agentConfigBytes + ", nodesPerGatePeer=" + nodesPerGatePeer);
    }
    if (endpointsPerSlice < 1 || endpointsPerSlice > SlicePacker.MAX_CAPACITY) {
      throw new IllegalArgumentException("endpoints per EndpointSlice must be 1.." + SlicePacker.MAX_CAPACITY
          + " (the API server's limit), was " + endpointsPerSlice);
    }
  }

  public Limits withRoutesPerVpg(int value) {
    return new Limits(value, agentConfigBytes, endpointsPerSlice, nodesPerGatePeer);
  }

  public Limits withAgentConfigBytes(int value) {
    return new Limits(routesPerVpg, value, endpointsPerSlice, nodesPerGatePeer);
  }

  public Limits withEndpointsPerSlice(int value) {
    return new Limits(routesPerVpg, agentConfigBytes, value, nodesPerGatePeer);
  }

  public Limits withNodesPerGatePeer(int value) {
    return new Limits(routesPerVpg, agentConfigBytes, endpointsPerSlice, value);
  }
}
