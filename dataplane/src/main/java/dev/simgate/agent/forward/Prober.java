package dev.simgate.agent.forward;

import dev.simgate.agent.packet.Arp;
import dev.simgate.agent.udp.MessageVector;
import dev.simgate.agent.vxlan.VxlanHeader;
import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.Settings;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Probes each VPG peer on its own: every round it judges each peer's previous probe ({@link PeerLiveness}) and sends
 * each peer, and that peer only, the same VXLAN datagram: an ARP request "who has the probe address? tell our inner
 * address" from the TAP's MAC, exactly what the host's own stack would send. A peer that goes down loses its learned
 * MACs at once (the next frame to them floods to the peers that answer), and {@link VpgPeers} floods no more to it.
 *
 * <p>Answers are ARP replies from the probe address to our inner address and MAC. They are credited to the VPG peer
 * they arrive from: we then send to the peers that demonstrably talk back, whatever address a VPG answers from. The
 * agent consumes them, unless the host itself asked for the probe address lately (its ARP requests pass through the
 * {@link Transmitter}), in which case the host gets them too.
 *
 * <p>A second probe kind (ICMP echo to an inner address, whose identifier would name the probed peer) would be another
 * frame here and another answer test; the rounds, the liveness and the consequences stay. Event loop only; a round
 * allocates nothing.
 */
final class Prober {
  /** How long after the host's own ARP request for the probe address its answers are passed to the host. */
  private static final long HOST_ASKED_NANOS = 5_000_000_000L;
  private static final int DATAGRAM = VxlanHeader.LENGTH + Arp.FRAME;

  private final VpgPeers peers;
  private final MacTable macs;
  private final Forwarder.PeerStateListener listener;
  private final long ownMac;
  private final MemorySegment datagram;
  private final MemorySegment iovec;
  private final MessageVector tx;
  private final int[] wentDown = new int[Settings.MAX_VPG_PEERS];
  private UdpPort udp;
  private boolean enabled;
  private int failureThreshold;
  private int innerAddress;
  private int target;
  private long hostAskedNanos = Long.MIN_VALUE / 2;

  Prober(Arena arena, VpgPeers peers, MacTable macs, long ownMac, Forwarder.PeerStateListener listener) {
    this.peers = peers;
    this.macs = macs;
    this.ownMac = ownMac;
    this.listener = listener;
    this.datagram = arena.allocate(DATAGRAM, 8);
    this.iovec = arena.allocate(MessageVector.IOVEC, 8);
    this.tx = new MessageVector(arena, Settings.MAX_VPG_PEERS);
    MessageVector.setIovec(iovec, 0, datagram.address(), DATAGRAM);
  }

  /** Takes the config (and the socket): the probe frame is rebuilt, peers are assumed up when probing is off. */
  void use(AgentConfig config, UdpPort socket) {
    Settings.Probe probe = config.settings().probe();
    udp = socket;
    enabled = probe.kind() == Settings.Probe.Kind.ARP;
    failureThreshold = probe.failureThreshold();
    innerAddress = config.node().interfaceAddress().address().bits();
    target = config.probeAddress().bits();
    VxlanHeader.write(datagram, 0, config.settings().vni());
    Arp.writeRequest(datagram, VxlanHeader.LENGTH, ownMac, innerAddress, target);
    if (!enabled) {
      for (int i = 0; i < peers.count(); i++) {
        peers.get(i).liveness.assumeUp();
      }
    }
    peers.stateChanged();
  }

  /** One round: judge each peer's last probe, then send each peer its next one. */
  void round(long now) {
    if (!enabled) {
      return;
    }
    int count = peers.count();
    int down = 0;
    for (int i = 0; i < count; i++) {
      VpgPeer peer = peers.get(i);
      if (peer.liveness.judge(failureThreshold)) {
        macs.flushPeer(i); // its MACs flood to the peers that answer until they are learned again
        wentDown[down++] = i;
      }
      // Counted as sent before the send: a probe the socket refuses is as lost as one the network drops.
      peer.liveness.sent(now);
      tx.set(i, peers.sockaddr(i), iovec.address(), 1, 0, 0);
    }
    if (down > 0) {
      peers.stateChanged();
      for (int d = 0; d < down; d++) {
        listener.changed(peers.get(wentDown[d]).address.toString(), PeerLiveness.State.DOWN.label(), peers.upCount());
      }
    }
    int sent = 0;
    while (sent < count) {
      int n = udp.send(tx.address(sent), count - sent);
      if (n <= 0) {
        break;
      }
      sent += n;
    }
  }

  /** Whether the {@code length}-byte frame at {@code frame} answers our probe: "the probe address is at ...", to us. */
  boolean isAnswer(MemorySegment buffer, long frame, int length) {
    return enabled && Arp.operation(buffer, frame, length) == Arp.REPLY && Arp.senderIp(buffer, frame) == target
        && Arp.targetIp(buffer, frame) == innerAddress && Arp.targetMac(buffer, frame) == ownMac;
  }

  /**
   * Credits VPG peer {@code index} with an answer.
   *
   * @return whether the host should get the answer too (it asked for the probe address itself lately)
   */
  boolean answered(int index, long now) {
    if (peers.get(index).liveness.answered(now)) {
      peers.stateChanged();
      listener.changed(peers.get(index).address.toString(), PeerLiveness.State.UP.label(), peers.upCount());
    }
    return now - hostAskedNanos < HOST_ASKED_NANOS;
  }

  /** Notes an ARP request of the host's own for the probe address (a frame the TAP handed over). */
  void hostSent(MemorySegment buffer, long frame, int length, long now) {
    if (Arp.operation(buffer, frame, length) == Arp.REQUEST && Arp.targetIp(buffer, frame) == target) {
      hostAskedNanos = now;
    }
  }

}
