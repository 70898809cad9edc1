package dev.simgate.operator.policy;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.api.v1alpha1.OuterAddress;

/**
 * Operator settings of the node policies: the steering VXLAN between the nodes (not the VPG's tunnel) and where a
 * node's underlay address comes from.
 *
 * @param steeringPool the addresses the nodes get on the steering VXLAN, one each (Helm {@code nodeAgent.steering.pool});
 *     must not overlap the cluster's pod or Service ranges nor any VPG's device subnet
 * @param vni VNI of the steering VXLAN
 * @param port UDP port of the steering VXLAN (not the VPG's, which the gate agents hold)
 * @param mtu MTU of the steering device (underlay MTU - 50)
 * @param underlay where a node's underlay address comes from, as a GatePeer's outerAddress (default InternalIP)
 */
public record PolicySettings(Cidr steeringPool, int vni, int port, int mtu, OuterAddress underlay) {
  public static final String DEFAULT_POOL = "198.18.0.0/16";
  public static final int DEFAULT_VNI = 5347;
  public static final int DEFAULT_PORT = 8479;
  public static final int DEFAULT_MTU = 1450;
  public static final PolicySettings DEFAULT = new PolicySettings(Cidr.parse(DEFAULT_POOL), DEFAULT_VNI, DEFAULT_PORT,
      DEFAULT_MTU, new OuterAddress());

  public PolicySettings {
    if (!steeringPool.isNetwork() || steeringPool.prefix() > 30) {
      throw new IllegalArgumentException("steering pool: " + steeringPool
          + " must be an IPv4 network (no host bits) of at least 4 addresses (/30), such as " + DEFAULT_POOL);
    }
    if (vni < 1 || vni > 16_777_215) {
      throw new IllegalArgumentException("steering VNI: " + vni + " is not in 1..16777215");
    }
    if (port < 1 || port > 65535 || port == 4789) {
      throw new IllegalArgumentException("steering port: " + port
          + " is not in 1..65535 or is 4789, the VXLAN port the gate agents hold");
    }
    if (mtu < 576 || mtu > 9000) {
      throw new IllegalArgumentException("steering MTU: " + mtu + " is not in 576..9000");
    }
    if (underlay == null || (underlay.source == OuterAddress.Source.Annotation
        && (underlay.annotation == null || underlay.annotation.isBlank()))) {
      throw new IllegalArgumentException("node underlay address: Annotation needs the annotation's name");
    }
  }
}
