package dev.simgate.operator.soracom.model;

import java.util.List;

/** A VPG as read in one go: its object and its Gate peers (the two kinds told apart by {@code ownedByCustomer}). */
public record GatewayState(VirtualPrivateGateway gateway, List<GatePeer> peers) {
  public GatewayState {
    peers = List.copyOf(peers);
  }

  /** The VPG's own VXLAN endpoints (one per zone): the effective peer list of a VirtualPrivateGateway. */
  public List<GatePeer> vpgPeers() {
    return peers.stream().filter(GatePeer::isVpgPeer).toList();
  }

  public List<GatePeer> customerPeers() {
    return peers.stream().filter(GatePeer::isCustomerPeer).toList();
  }
}
