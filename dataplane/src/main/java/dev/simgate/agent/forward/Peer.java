package dev.simgate.agent.forward;

import dev.simgate.contract.net.Ipv4;

/** A VPG peer and its traffic counters (plain longs: only the event loop writes them). */
final class Peer {
  final Ipv4 address;
  long rxPackets;
  long rxBytes;
  long txPackets;
  long txBytes;
  /** System.nanoTime() of the last datagram accepted from this peer; 0: none yet. */
  long lastReceiveNanos;

  Peer(Ipv4 address) {
    this.address = address;
  }
}
