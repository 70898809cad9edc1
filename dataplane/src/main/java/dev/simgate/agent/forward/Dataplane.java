package dev.simgate.agent.forward;

import dev.simgate.agent.config.AgentConfig;
import dev.simgate.agent.config.Ipv4;
import dev.simgate.agent.sys.Libc;
import dev.simgate.agent.udp.MessageVector;
import dev.simgate.agent.udp.SockaddrIn;
import dev.simgate.agent.vxlan.VxlanHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The packet path. Everything here runs on one event-loop thread and touches only memory it owns,
 * so there are no locks, and nothing on the path allocates: buffers, message vectors and peer
 * sockaddrs are native memory allocated once.
 *
 * <ul>
 *   <li>Decapsulation ({@link #onDatagramsReadable}): recvmmsg up to {@link #BATCH} datagrams into
 *       fixed slots; each is checked in place (source is a peer, I flag, VNI), its inner source MAC
 *       is learned, and the inner frame is written to the TAP straight from the slot.
 *   <li>Encapsulation ({@link #onFramesReadable}): frames are read from the TAP into slots 8 bytes
 *       past their start, the VXLAN header is written into that headroom, and one sendmmsg sends
 *       the batch: a frame to a learned MAC goes to that peer, every other frame to every peer
 *       (head-end replication; the copies share one iovec).
 * </ul>
 *
 * Level-triggered epoll: each wakeup drains up to {@link #BUDGET} batches and returns; a socket
 * that cannot take more (EAGAIN) drops and counts rather than blocking the loop.
 */
public final class Dataplane {
  static final int BATCH = 64;
  static final int BUDGET = 8;
  /** A slot holds a VXLAN header, an Ethernet header with a VLAN tag and a 9000-byte payload. */
  static final int SLOT = 9216;

  private final Arena arena = Arena.ofShared();
  private final Libc.ThreadErrno errno = new Libc.ThreadErrno();
  private final int tapFd;
  private final long ownMac;
  private final MacTable macs;

  private final MemorySegment rxSlots = arena.allocate((long) SLOT * BATCH, 64);
  private final MemorySegment rxIovecs = arena.allocate((long) MessageVector.IOVEC * BATCH, 8);
  private final MemorySegment rxNames = arena.allocate((long) SockaddrIn.SIZE * BATCH, 8);
  private final MessageVector rx = new MessageVector(arena, BATCH);

  private final MemorySegment txSlots = arena.allocate((long) SLOT * BATCH, 64);
  private final MemorySegment txIovecs = arena.allocate((long) MessageVector.IOVEC * BATCH, 8);
  private final MessageVector tx = new MessageVector(arena, BATCH * AgentConfig.MAX_PEERS);
  private final int[] txPeer = new int[BATCH * AgentConfig.MAX_PEERS];
  private final int[] txLength = new int[BATCH * AgentConfig.MAX_PEERS];

  private final MemorySegment peerNames = arena.allocate((long) SockaddrIn.SIZE * AgentConfig.MAX_PEERS, 8);
  private Peer[] peers = new Peer[0];
  private int[] peerBits = new int[0];
  private int vni;
  private int udpFd;
  private final long[] drops = new long[DropReason.values().length];
  private final IntConsumer onTapLost;
  private boolean tapLost;

  /**
   * Must be constructed and used on the event loop.
   *
   * @param onTapLost called once, with the errno, when reading the TAP fails for good
   */
  public Dataplane(int tapFd, long ownMac, int udpFd, AgentConfig config, IntConsumer onTapLost) {
    this.onTapLost = onTapLost;
    this.tapFd = tapFd;
    this.ownMac = ownMac;
    this.udpFd = udpFd;
    this.macs = new MacTable(16_384, config.macAgeing().toNanos());
    for (int i = 0; i < BATCH; i++) {
      MessageVector.setIovec(rxIovecs, i, rxSlots.address() + (long) i * SLOT, SLOT);
      rx.set(i, rxNames.address() + (long) i * SockaddrIn.SIZE, rxIovecs.address() + (long) i * MessageVector.IOVEC);
    }
    reconfigure(config, udpFd);
  }

  /**
   * Applies VNI and peer changes; learned MACs of peers that stay are kept, those of removed peers
   * dropped. Runs on the event loop (off the hot path, so it may allocate).
   */
  public void reconfigure(AgentConfig config, int newUdpFd) {
    List<Ipv4> next = config.peers();
    Peer[] nextPeers = new Peer[next.size()];
    int[] nextBits = new int[next.size()];
    int[] oldToNew = new int[peers.length];
    java.util.Arrays.fill(oldToNew, MacTable.NO_PEER);
    for (int i = 0; i < next.size(); i++) {
      Ipv4 address = next.get(i);
      int old = indexOf(address.bits());
      nextPeers[i] = old >= 0 ? peers[old] : new Peer(address);
      if (old >= 0) {
        oldToNew[old] = i;
      }
      nextBits[i] = address.bits();
      SockaddrIn.write(peerNames, (long) i * SockaddrIn.SIZE, address.bits(), config.port());
    }
    macs.remapPeers(oldToNew);
    macs.setAgeing(config.macAgeing().toNanos());
    if (config.vni() != vni) {
      macs.clear();
    }
    peers = nextPeers;
    peerBits = nextBits;
    vni = config.vni();
    udpFd = newUdpFd;
  }

  /** VXLAN → TAP. Called by the event loop when the UDP socket is readable. */
  public void onDatagramsReadable() {
    for (int round = 0; round < BUDGET; round++) {
      int count = Libc.recvmmsg(udpFd, rx.address(0), BATCH, Libc.MSG_DONTWAIT);
      if (count <= 0) {
        return; // EAGAIN: drained. Other errors: level-triggered epoll will call again.
      }
      long now = System.nanoTime();
      for (int i = 0; i < count; i++) {
        decapsulate(i, now);
        rx.resetNameLength(i);
      }
      if (count < BATCH) {
        return;
      }
    }
  }

  private void decapsulate(int index, long now) {
    int peer = indexOf(SockaddrIn.address(rxNames, (long) index * SockaddrIn.SIZE));
    if (peer < 0) {
      drops[DropReason.UNKNOWN_PEER.ordinal()]++;
      return;
    }
    int length = rx.length(index);
    long slot = (long) index * SLOT;
    if ((rx.flags(index) & Libc.MSG_TRUNC) != 0) {
      drops[DropReason.MALFORMED.ordinal()]++;
      return;
    }
    switch (VxlanHeader.check(rxSlots, slot, length, vni)) {
      case VALID -> {}
      case WRONG_VNI -> {
        drops[DropReason.BAD_VNI.ordinal()]++;
        return;
      }
      case TRUNCATED, I_FLAG_UNSET -> {
        drops[DropReason.MALFORMED.ordinal()]++;
        return;
      }
    }
    long source = MacAddress.read(rxSlots, slot + VxlanHeader.LENGTH + 6);
    if (source == ownMac) {
      drops[DropReason.LOOP.ordinal()]++;
      return;
    }
    if (MacAddress.isGroup(source)) {
      drops[DropReason.MALFORMED.ordinal()]++;
      return;
    }
    macs.learn(source, peer, now);
    int frame = length - VxlanHeader.LENGTH;
    if (Libc.write(tapFd, rxSlots.address() + slot + VxlanHeader.LENGTH, frame) != frame) {
      drops[DropReason.TAP_WRITE_FAILED.ordinal()]++;
      return;
    }
    Peer from = peers[peer];
    from.rxPackets++;
    from.rxBytes += length;
  }

  /** TAP → VXLAN. Called by the event loop when the TAP is readable. */
  public void onFramesReadable() {
    for (int round = 0; round < BUDGET; round++) {
      long now = System.nanoTime();
      int frames = 0;
      int messages = 0;
      boolean drained = false;
      while (frames < BATCH) {
        long slot = (long) frames * SLOT;
        long read = Libc.read(tapFd, txSlots.address() + slot + VxlanHeader.LENGTH, SLOT - VxlanHeader.LENGTH);
        if (read <= 0) {
          if (read < 0) {
            checkTap(errno.value());
          }
          drained = true;
          break;
        }
        int length = (int) read + VxlanHeader.LENGTH;
        VxlanHeader.write(txSlots, slot, vni);
        long iovec = txIovecs.address() + (long) frames * MessageVector.IOVEC;
        MessageVector.setIovec(txIovecs, frames, txSlots.address() + slot, length);
        long destination = MacAddress.read(txSlots, slot + VxlanHeader.LENGTH);
        int peer = MacAddress.isGroup(destination) ? MacTable.NO_PEER : macs.lookup(destination, now);
        if (peer >= 0) {
          messages = queue(messages, peer, iovec, length);
        } else {
          for (int p = 0; p < peers.length; p++) {
            messages = queue(messages, p, iovec, length);
          }
        }
        frames++;
      }
      send(messages);
      if (drained) {
        return;
      }
    }
  }

  /** A TAP read error other than "nothing to read" means the interface is gone (e.g. deleted). */
  private void checkTap(int error) {
    if (error != Libc.EAGAIN && error != Libc.EINTR && !tapLost) {
      tapLost = true;
      onTapLost.accept(error);
    }
  }

  private int queue(int message, int peer, long iovec, int length) {
    tx.set(message, peerNames.address() + (long) peer * SockaddrIn.SIZE, iovec);
    txPeer[message] = peer;
    txLength[message] = length;
    return message + 1;
  }

  private void send(int messages) {
    int sent = 0;
    while (sent < messages) {
      int count = Libc.sendmmsg(udpFd, tx.address(sent), messages - sent, Libc.MSG_DONTWAIT);
      if (count > 0) {
        for (int m = sent; m < sent + count; m++) {
          Peer to = peers[txPeer[m]];
          to.txPackets++;
          to.txBytes += txLength[m];
        }
        sent += count;
        continue;
      }
      int error = errno.value();
      if (error == Libc.EINTR) {
        continue;
      }
      if (error == Libc.EAGAIN) {
        drops[DropReason.SOCKET_BUSY.ordinal()] += messages - sent;
        return;
      }
      drops[DropReason.SEND_FAILED.ordinal()]++; // only the first message failed: skip it, send the rest
      sent++;
    }
  }

  private int indexOf(int address) {
    int[] bits = peerBits;
    for (int i = 0; i < bits.length; i++) {
      if (bits[i] == address) {
        return i;
      }
    }
    return -1;
  }

  /** Forgets expired MAC entries; scheduled periodically on the loop. */
  public void sweep() {
    macs.sweep(System.nanoTime());
  }

  /** A copy of the counters; call on the event loop. */
  public Stats stats() {
    List<Stats.PeerStats> perPeer = new ArrayList<>(peers.length);
    for (Peer peer : peers) {
      perPeer.add(new Stats.PeerStats(peer.address.toString(), peer.rxPackets, peer.rxBytes, peer.txPackets, peer.txBytes));
    }
    Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
    for (DropReason reason : DropReason.values()) {
      dropped.put(reason, drops[reason.ordinal()]);
    }
    return new Stats(List.copyOf(perPeer), dropped, macs.size());
  }

  /** Frees the native buffers; call on the event loop after both handles are deregistered. */
  public void close() {
    arena.close();
  }
}
