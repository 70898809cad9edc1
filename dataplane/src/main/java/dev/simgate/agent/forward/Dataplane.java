package dev.simgate.agent.forward;

import dev.simgate.contract.agentconfig.Settings;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.agent.offload.TcpSegmenter;
import dev.simgate.agent.offload.VirtioNetHeader;
import dev.simgate.agent.sys.Libc;
import dev.simgate.agent.udp.MessageVector;
import dev.simgate.agent.udp.SockaddrIn;
import dev.simgate.agent.udp.UdpSegment;
import dev.simgate.agent.vxlan.VxlanHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packet path. Everything here runs on one event-loop thread and touches only memory it owns,
 * so there are no locks, and nothing on the path allocates: buffers, message vectors and peer
 * sockaddrs are native memory allocated once.
 *
 * <ul>
 *   <li>Decapsulation ({@link #onDatagramsReadable}): recvmmsg up to {@link #BATCH} datagrams into
 *       fixed slots, 2 bytes past their start; each is checked in place (source is a peer, I flag,
 *       VNI), its inner source MAC is learned, and the inner frame goes to the TAP straight from
 *       the slot, with a virtio_net_hdr written over the VXLAN header ({@link TapWriter}):
 *       consecutive segments of a TCP flow leave as one super-frame, the rest one by one.
 *   <li>Encapsulation ({@link #onFramesReadable}): frames are read from the TAP (virtio_net_hdr +
 *       frame) one after another into a buffer with room for {@link #BATCH} 64 KiB frames. A
 *       plain frame gets its partial checksum completed and the VXLAN header written over the
 *       parsed virtio_net_hdr; a TSO super-frame is cut into TCP segments ({@link TcpSegmenter})
 *       whose headers go to a pool while their payloads stay in the buffer, and up to 64 of them
 *       leave as one UDP GSO message; consecutive plain frames of one size to one peer are
 *       gathered into one GSO message too. One sendmmsg sends the batch: a frame
 *       to a learned MAC goes to that peer, every other frame to every peer (head-end
 *       replication; the copies share the iovecs).
 * </ul>
 *
 * Level-triggered epoll: each wakeup drains up to {@link #BUDGET} batches and returns; a socket
 * that cannot take more (EAGAIN) drops and counts rather than blocking the loop.
 */
public final class Dataplane {
  static final int BATCH = 64;
  static final int BUDGET = 8;
  /** A receive slot holds a VXLAN header, an Ethernet header with a VLAN tag and a 9000-byte payload. */
  static final int SLOT = 9216;
  /** Received datagrams start here, so the VXLAN header can become the TAP's virtio_net_hdr. */
  private static final int RX_HEADROOM = VirtioNetHeader.LENGTH - VxlanHeader.LENGTH;
  /** Room for one TAP read: a virtio_net_hdr and a 64 KiB IPv4 packet with a tagged Ethernet header. */
  static final int TX_SLOT = 65_600;
  /** Segment headers (VXLAN + Ethernet + IPv4 + TCP) per batch before the batch is sent. */
  private static final int HEADERS = 2048;
  /** One segment's VXLAN + Ethernet + IPv4 + TCP headers, at most; 16-byte aligned. */
  private static final int HEADER_SLOT = (VxlanHeader.LENGTH + TcpSegmenter.MAX_HEADERS + 15) & ~15;
  private static final int IOVECS = 2 * HEADERS + BATCH;
  private static final int CONTROLS = BATCH * Settings.MAX_VPG_PEERS;
  private static final Logger log = LoggerFactory.getLogger(Dataplane.class);

  private final Arena arena = Arena.ofShared();
  private final Libc.ThreadErrno errno = new Libc.ThreadErrno();
  private final int tapFd;
  private final long ownMac;
  private final MacTable macs;

  private final MemorySegment rxSlots = arena.allocate((long) SLOT * BATCH, 64);
  private final MemorySegment rxIovecs = arena.allocate((long) MessageVector.IOVEC * BATCH, 8);
  private final MemorySegment rxNames = arena.allocate((long) SockaddrIn.SIZE * BATCH, 8);
  private final MessageVector rx = new MessageVector(arena, BATCH);
  private final TapWriter tapWriter;

  private final MemorySegment txSlots = arena.allocate((long) TX_SLOT * BATCH, 64);
  private final MemorySegment headerPool = arena.allocate((long) HEADER_SLOT * HEADERS, 64);
  private final MemorySegment iovecs = arena.allocate((long) MessageVector.IOVEC * IOVECS, 8);
  private final MemorySegment controls = arena.allocate((long) UdpSegment.SPACE * CONTROLS, 8);
  private final MessageVector tx = new MessageVector(arena, BATCH * Settings.MAX_VPG_PEERS);
  private final int[] txPeer = new int[BATCH * Settings.MAX_VPG_PEERS];
  private final int[] txDatagrams = new int[BATCH * Settings.MAX_VPG_PEERS];
  private final int[] txLength = new int[BATCH * Settings.MAX_VPG_PEERS];
  private int messages;
  private int iovecsUsed;
  private int headersUsed;
  private int controlsUsed;
  private boolean udpGso;
  /** Datagram size of the run of plain datagrams the last queued message gathers, or 0: it gathers none. */
  private int runSize;
  private long runIovec;
  private long runControl;
  private long txCoalesced;

  private final MemorySegment peerNames = arena.allocate((long) SockaddrIn.SIZE * Settings.MAX_VPG_PEERS, 8);
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
  public Dataplane(int tapFd, long ownMac, int udpFd, Settings config, IntConsumer onTapLost) {
    this.onTapLost = onTapLost;
    this.tapFd = tapFd;
    this.ownMac = ownMac;
    this.udpFd = udpFd;
    this.macs = new MacTable(16_384, config.macAgeing().toNanos());
    this.tapWriter = new TapWriter(tapFd, rxSlots, BATCH, arena);
    for (int i = 0; i < BATCH; i++) {
      MessageVector.setIovec(rxIovecs, i, rxSlots.address() + (long) i * SLOT + RX_HEADROOM, SLOT - RX_HEADROOM);
      rx.set(i, rxNames.address() + (long) i * SockaddrIn.SIZE, rxIovecs.address() + (long) i * MessageVector.IOVEC);
    }
    reconfigure(config, udpFd);
  }

  /**
   * Applies VNI and peer changes; learned MACs of peers that stay are kept, those of removed peers
   * dropped. Runs on the event loop (off the hot path, so it may allocate).
   */
  public void reconfigure(Settings config, int newUdpFd) {
    List<Ipv4> next = config.vpgPeers();
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
    udpGso = UdpSegment.supported(newUdpFd);
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
      drops[DropReason.TAP_WRITE_FAILED.ordinal()] += tapWriter.flush(); // before the slots are reused
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
    long datagram = slot + RX_HEADROOM;
    if ((rx.flags(index) & Libc.MSG_TRUNC) != 0) {
      drops[DropReason.MALFORMED.ordinal()]++;
      return;
    }
    switch (VxlanHeader.check(rxSlots, datagram, length, vni)) {
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
    long source = MacAddress.read(rxSlots, datagram + VxlanHeader.LENGTH + 6);
    if (source == ownMac) {
      drops[DropReason.LOOP.ordinal()]++;
      return;
    }
    if (MacAddress.isGroup(source)) {
      drops[DropReason.MALFORMED.ordinal()]++;
      return;
    }
    macs.learn(source, peer, now);
    Peer from = peers[peer];
    from.rxPackets++;
    from.rxBytes += length;
    from.lastReceiveNanos = now;
    // The frame's virtio_net_hdr goes over the VXLAN header, just before it.
    int lost = tapWriter.offer(datagram + VxlanHeader.LENGTH, length - VxlanHeader.LENGTH);
    drops[DropReason.TAP_WRITE_FAILED.ordinal()] += lost;
  }

  /** TAP → VXLAN. Called by the event loop when the TAP is readable. */
  public void onFramesReadable() {
    for (int round = 0; round < BUDGET; round++) {
      long now = System.nanoTime();
      boolean drained = false;
      long slot = 0; // frames are packed (64-byte aligned) so small ones share cache lines and pages
      for (int frames = 0; frames < BATCH; frames++) {
        long read = Libc.read(tapFd, txSlots.address() + slot, TX_SLOT);
        if (read <= 0) {
          if (read < 0) {
            checkTap(errno.value());
          }
          drained = true;
          break;
        }
        encapsulate(slot, (int) read - VirtioNetHeader.LENGTH, now);
        slot += (read + 63) & ~63L;
      }
      flush();
      if (drained) {
        return;
      }
    }
  }

  /** Queues the frame of {@code length} bytes after the virtio_net_hdr at {@code slot}. */
  private void encapsulate(long slot, int length, long now) {
    long frame = slot + VirtioNetHeader.LENGTH;
    if (length < VxlanHeader.MIN_INNER_FRAME) {
      drops[DropReason.MALFORMED.ordinal()]++;
      return;
    }
    long destination = MacAddress.read(txSlots, frame);
    int peer = MacAddress.isGroup(destination) ? MacTable.NO_PEER : macs.lookup(destination, now);
    int gsoType = VirtioNetHeader.gsoType(txSlots, slot);
    int csumStart = VirtioNetHeader.csumStart(txSlots, slot);
    if (gsoType == VirtioNetHeader.GSO_TCPV4) {
      segment(frame, length, csumStart, VirtioNetHeader.gsoSize(txSlots, slot), peer);
      return;
    }
    boolean partial = (VirtioNetHeader.flags(txSlots, slot) & VirtioNetHeader.F_NEEDS_CSUM) != 0;
    int csumOffset = VirtioNetHeader.csumOffset(txSlots, slot);
    if (gsoType != VirtioNetHeader.GSO_NONE
        || partial && !TcpSegmenter.completeChecksum(txSlots, frame, length, csumStart, csumOffset)) {
      drops[DropReason.MALFORMED.ordinal()]++;
      return;
    }
    long datagram = frame - VxlanHeader.LENGTH; // overwrites the already parsed virtio_net_hdr
    VxlanHeader.write(txSlots, datagram, vni);
    int size = length + VxlanHeader.LENGTH;
    if (joinsRun(peer, datagram, size)) {
      return;
    }
    reserve(1, 0, peer);
    long iovec = addIovec(txSlots.address() + datagram, size);
    enqueue(peer, iovec, 1, 0, 1, size);
    boolean gathers = udpGso && peer >= 0;
    runSize = gathers ? size : 0;
    runIovec = iovec;
  }

  /**
   * Adds the datagram of {@code size} bytes at {@code datagram} to the last queued message when
   * that message gathers datagrams of this size (or larger: a shorter one ends it) to the same
   * peer: small packets then cross the host's stack as one UDP GSO skb per burst instead of one
   * skb each. The message's iovecs are the last ones added, so the new one extends them.
   */
  private boolean joinsRun(int peer, long datagram, int size) {
    int last = messages - 1;
    if (runSize == 0 || txPeer[last] != peer || size > runSize
        || txDatagrams[last] == UdpSegment.MAX_SEGMENTS || txLength[last] + size > UdpSegment.MAX_PAYLOAD
        || iovecsUsed == IOVECS || controlsUsed == CONTROLS) {
      return false;
    }
    if (txDatagrams[last] == 1) {
      UdpSegment.write(controls, (long) controlsUsed * UdpSegment.SPACE, runSize);
      runControl = controls.address() + (long) controlsUsed++ * UdpSegment.SPACE;
    }
    addIovec(txSlots.address() + datagram, size);
    txDatagrams[last]++;
    txLength[last] += size;
    txCoalesced++;
    tx.set(last, peerNames.address() + (long) peer * SockaddrIn.SIZE, runIovec, txDatagrams[last], runControl,
        UdpSegment.SPACE);
    if (size < runSize) {
      runSize = 0;
    }
    return true;
  }

  /**
   * A TSO super-frame: cut into TCP segments whose headers go to {@link #headerPool} while their
   * payload stays in the read buffer (two iovecs per datagram); with UDP GSO up to 64 datagrams
   * leave as one message, so the host's stack handles one skb instead of one per segment.
   */
  private void segment(long frame, int length, int csumStart, int mss, int peer) {
    int headers = TcpSegmenter.headerLength(txSlots, frame, length, csumStart);
    if (mss == 0 || headers < 0 || headers >= length) {
      drops[DropReason.MALFORMED.ordinal()]++;
      return;
    }
    int count = TcpSegmenter.segmentCount(length - headers, mss);
    int stride = VxlanHeader.LENGTH + headers + mss;
    int perMessage = udpGso ? UdpSegment.perMessage(stride) : 1;
    for (int first = 0; first < count; first += perMessage) {
      int segments = Math.min(perMessage, count - first);
      reserve(2 * segments, segments, peer);
      long iovec = iovecs.address() + (long) iovecsUsed * MessageVector.IOVEC;
      int bytes = 0;
      for (int s = first; s < first + segments; s++) {
        long header = (long) headersUsed++ * HEADER_SLOT;
        VxlanHeader.write(headerPool, header, vni);
        int payload = TcpSegmenter.writeHeaders(
            txSlots, frame, length, headers, mss, s, headerPool, header + VxlanHeader.LENGTH);
        addIovec(headerPool.address() + header, VxlanHeader.LENGTH + headers);
        addIovec(txSlots.address() + frame + headers + (long) s * mss, payload);
        bytes += VxlanHeader.LENGTH + headers + payload;
      }
      long control = 0;
      if (segments > 1) {
        long at = (long) controlsUsed++ * UdpSegment.SPACE;
        UdpSegment.write(controls, at, stride);
        control = controls.address() + at;
      }
      enqueue(peer, iovec, 2 * segments, control, segments, bytes);
    }
  }

  /** Sends what is queued first when the next message (to {@code peer}, or every peer) would not fit. */
  private void reserve(int iovecCount, int headerCount, int peer) {
    int targets = peer >= 0 ? 1 : peers.length;
    if (messages + targets > tx.capacity() || iovecsUsed + iovecCount > IOVECS
        || headersUsed + headerCount > HEADERS || controlsUsed >= CONTROLS) {
      flush();
    }
  }

  private long addIovec(long base, int length) {
    MessageVector.setIovec(iovecs, iovecsUsed, base, length);
    return iovecs.address() + (long) iovecsUsed++ * MessageVector.IOVEC;
  }

  /** One message to a learned peer, or a copy to every peer (head-end replication; copies share the iovecs). */
  private void enqueue(int peer, long iovec, int iovecCount, long control, int datagrams, int bytes) {
    runSize = 0; // a new message: whatever run the previous one gathered is closed
    int controlLength = control == 0 ? 0 : UdpSegment.SPACE;
    int first = peer >= 0 ? peer : 0;
    int end = peer >= 0 ? peer + 1 : peers.length;
    for (int p = first; p < end; p++) {
      tx.set(messages, peerNames.address() + (long) p * SockaddrIn.SIZE, iovec, iovecCount, control, controlLength);
      txPeer[messages] = p;
      txDatagrams[messages] = datagrams;
      txLength[messages] = bytes;
      messages++;
    }
  }

  /** A TAP read error other than "nothing to read" means the interface is gone (e.g. deleted). */
  private void checkTap(int error) {
    if (error != Libc.EAGAIN && error != Libc.EINTR && !tapLost) {
      tapLost = true;
      onTapLost.accept(error);
    }
  }

  /** Sends the queued messages (dropping and counting what the socket refuses) and empties the queue. */
  private void flush() {
    send();
    messages = 0;
    iovecsUsed = 0;
    headersUsed = 0;
    controlsUsed = 0;
    runSize = 0;
  }

  private void send() {
    int sent = 0;
    while (sent < messages) {
      int count = Libc.sendmmsg(udpFd, tx.address(sent), messages - sent, Libc.MSG_DONTWAIT);
      if (count > 0) {
        for (int m = sent; m < sent + count; m++) {
          Peer to = peers[txPeer[m]];
          to.txPackets += txDatagrams[m];
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
      if (txDatagrams[sent] > 1 && udpGso && (error == Libc.EIO || error == Libc.EINVAL)) {
        // The route's device cannot checksum-offload UDP (EIO), or a segment exceeds the path MTU
        // (EINVAL): send one datagram per message from now on, as without GSO.
        udpGso = false;
        log.atWarn().addKeyValue("error", Libc.strerror(error))
            .log("UDP GSO refused by the kernel; sending segments one by one");
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
      double lastReceive = peer.lastReceiveNanos == 0 ? Double.NaN
          : (System.currentTimeMillis() - (System.nanoTime() - peer.lastReceiveNanos) / 1_000_000) / 1000.0;
      perPeer.add(new Stats.PeerStats(peer.address.toString(), peer.rxPackets, peer.rxBytes, peer.txPackets, peer.txBytes,
          lastReceive));
    }
    Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
    for (DropReason reason : DropReason.values()) {
      dropped.put(reason, drops[reason.ordinal()]);
    }
    return new Stats(List.copyOf(perPeer), dropped, macs.size(), tapWriter.coalesced(), txCoalesced);
  }

  /** Frees the native buffers; call on the event loop after both handles are deregistered. */
  public void close() {
    arena.close();
  }
}
