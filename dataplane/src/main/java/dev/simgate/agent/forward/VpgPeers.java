package dev.simgate.agent.forward;

import dev.simgate.agent.udp.SockaddrIn;
import dev.simgate.contract.agentconfig.Settings;
import dev.simgate.contract.net.Ipv4;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The configured VPG peers, by index (the index {@link MacTable} entries point at): each one's outer address, its
 * sockaddr_in for sendmmsg (native, written once per config), its counters and whether it answers probes. Floods go
 * to the peers that are not down; when every peer is down they go to all of them (failing open: a probe that no VPG
 * answers must not stop the traffic that the VPG does carry). Event loop only, but for {@link #upCount()}.
 */
final class VpgPeers {
  private final MemorySegment names;
  private VpgPeer[] peers = new VpgPeer[0];
  private int[] addresses = new int[0];
  private final int[] flood = new int[Settings.MAX_VPG_PEERS];
  private int floodCount;
  /** Peers that answer: read by the admin endpoint's threads. */
  private volatile int up;
  private volatile boolean answeredOnce;

  VpgPeers(Arena arena) {
    names = arena.allocate((long) SockaddrIn.SIZE * Settings.MAX_VPG_PEERS, 8);
  }

  int count() {
    return peers.length;
  }

  VpgPeer get(int index) {
    return peers[index];
  }

  /** The index of the VPG peer with this outer address (an int in network order), or -1. */
  int indexOf(int address) {
    int[] bits = addresses;
    for (int i = 0; i < bits.length; i++) {
      if (bits[i] == address) {
        return i;
      }
    }
    return -1;
  }

  /** The native address of VPG peer {@code index}'s sockaddr_in. */
  long sockaddr(int index) {
    return names.address() + (long) index * SockaddrIn.SIZE;
  }

  /** How many peers a flooded frame goes to. */
  int floodCount() {
    return floodCount;
  }

  /** The index of the {@code n}th peer a flooded frame goes to. */
  int flood(int n) {
    return flood[n];
  }

  /** VPG peers that answered their last probes (any thread). */
  int upCount() {
    return up;
  }

  /** Recomputes the flood list and the count of up peers after a peer's state changed. */
  void stateChanged() {
    int n = 0;
    int answering = 0;
    for (int i = 0; i < peers.length; i++) {
      if (!peers[i].isDown()) {
        flood[n++] = i;
      }
      if (peers[i].liveness.state() == PeerLiveness.State.UP) {
        answering++;
      }
    }
    if (n == 0) {
      for (int i = 0; i < peers.length; i++) {
        flood[n++] = i;
      }
    }
    floodCount = n;
    up = answering;
    if (answering > 0) {
      answeredOnce = true;
    }
  }

  /** Whether any peer has answered since the agent started (any thread). */
  boolean answeredOnce() {
    return answeredOnce;
  }

  /**
   * Takes a new list of VPG peers; those that stay keep their counters and state, new ones start pending.
   *
   * @return for each old index its new one, or {@link MacTable#NO_PEER} for a VPG peer that is gone
   */
  int[] replace(List<Ipv4> next, int port) {
    VpgPeer[] nextPeers = new VpgPeer[next.size()];
    int[] nextAddresses = new int[next.size()];
    int[] oldToNew = new int[peers.length];
    Arrays.fill(oldToNew, MacTable.NO_PEER);
    for (int i = 0; i < next.size(); i++) {
      Ipv4 address = next.get(i);
      int old = indexOf(address.bits());
      nextPeers[i] = old >= 0 ? peers[old] : new VpgPeer(address);
      if (old >= 0) {
        oldToNew[old] = i;
      }
      nextAddresses[i] = address.bits();
      SockaddrIn.write(names, (long) i * SockaddrIn.SIZE, address.bits(), port);
    }
    peers = nextPeers;
    addresses = nextAddresses;
    stateChanged();
    return oldToNew;
  }

  /** A copy of every VPG peer's counters and state (allocates: scrape time). */
  List<Stats.VpgPeerStats> stats() {
    List<Stats.VpgPeerStats> stats = new ArrayList<>(peers.length);
    for (VpgPeer peer : peers) {
      double lastReceive = peer.lastReceiveNanos == 0 ? Double.NaN
          : (System.currentTimeMillis() - (System.nanoTime() - peer.lastReceiveNanos) / 1_000_000) / 1000.0;
      PeerLiveness live = peer.liveness;
      stats.add(new Stats.VpgPeerStats(peer.address.toString(), peer.rxPackets, peer.rxBytes, peer.txPackets,
          peer.txBytes, lastReceive, live.state().label(), live.probesSent, live.replies, live.wentUp, live.wentDown,
          live.lastRttNanos() < 0 ? Double.NaN : live.lastRttNanos() / 1e9, live.rtt.counts(), live.rtt.sumSeconds()));
    }
    return List.copyOf(stats);
  }
}
