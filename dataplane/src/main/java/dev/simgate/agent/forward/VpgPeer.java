package dev.simgate.agent.forward;

import dev.simgate.contract.net.Ipv4;

/** One VPG peer, its traffic counters and whether it answers (plain fields: only the event loop writes them). */
final class VpgPeer {
  final Ipv4 address;
  final PeerLiveness liveness = new PeerLiveness();
  long rxPackets;
  long rxBytes;
  long txPackets;
  long txBytes;
  /** System.nanoTime() of the last datagram accepted from this VPG peer; 0: none yet. */
  long lastReceiveNanos;

  VpgPeer(Ipv4 address) {
    this.address = address;
  }

  void received(int bytes, long now) {
    rxPackets++;
    rxBytes += bytes;
    lastReceiveNanos = now;
  }

  void sent(int datagrams, int bytes) {
    txPackets += datagrams;
    txBytes += bytes;
  }

  boolean isDown() {
    return liveness.state() == PeerLiveness.State.DOWN;
  }
}
