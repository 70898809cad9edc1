package dev.simgate.agent.forward;

import java.util.Locale;

/** Why a packet was not forwarded: the {@code reason} label of simgate_dropped_packets_total. */
public enum DropReason {
  /** A VXLAN datagram from an address that is not a configured VPG peer (the door lock). */
  UNKNOWN_PEER,
  /** A VXLAN datagram from a peer carrying another VNI. */
  BAD_VNI,
  /** Too short for a VXLAN header and an Ethernet header, I flag unset, oversized, or a group source MAC. */
  MALFORMED,
  /** A frame from a peer whose source MAC is the TAP's own: it went round a loop. */
  LOOP,
  /**
   * A frame from a peer that is neither IPv4 nor ARP (IPv6 with its router advertisements, VLAN tags, any other
   * EtherType): the device subnet is IPv4, and nothing else from the tunnel reaches the host.
   */
  UNSUPPORTED_ETHERTYPE,
  /** The kernel refused a frame written to the TAP. */
  TAP_WRITE_FAILED,
  /** The socket's send buffer was full (EAGAIN): dropped rather than blocking the event loop. */
  SOCKET_BUSY,
  /** sendmmsg failed for a datagram (e.g. no route to the peer). */
  SEND_FAILED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
