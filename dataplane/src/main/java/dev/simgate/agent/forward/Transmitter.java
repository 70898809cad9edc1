package dev.simgate.agent.forward;

import dev.simgate.agent.offload.Checksum;
import dev.simgate.agent.offload.TcpSegmenter;
import dev.simgate.agent.offload.VirtioNetHeader;
import dev.simgate.agent.packet.Headers;
import dev.simgate.agent.packet.MacAddress;
import dev.simgate.agent.sys.Libc;
import dev.simgate.agent.udp.MessageVector;
import dev.simgate.agent.udp.UdpSegment;
import dev.simgate.agent.vxlan.VxlanHeader;
import dev.simgate.contract.agentconfig.Settings;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TAP → VXLAN. Frames are read from the TAP (virtio_net_hdr + frame) one after another into a buffer with room for
 * {@link #BATCH} 64 KiB frames. A plain frame gets its partial checksum completed and the VXLAN header written over
 * the parsed virtio_net_hdr; a TSO super-frame is cut into TCP segments ({@link TcpSegmenter}) whose headers go to a
 * pool while their payloads stay in the buffer, and up to 64 of them leave as one UDP GSO message; consecutive plain
 * frames of one size to one VPG peer are gathered into one GSO message too. One sendmmsg sends the batch: a frame to
 * a learned MAC goes to that VPG peer, every other frame to every VPG peer that is not down (head-end replication;
 * the copies share the iovecs); the host's ARP requests for the probe address are noted for the {@link Prober}. A socket that cannot take more (EAGAIN) drops and counts rather than blocking the loop. Event loop
 * only; allocates nothing after construction.
 */
final class Transmitter {
  static final int BATCH = 64;
  /** Room for one TAP read: a virtio_net_hdr and a 64 KiB IPv4 packet with a tagged Ethernet header. */
  static final int SLOT = 65_600;
  /** Segment headers (VXLAN + Ethernet + IPv4 + TCP) per batch before the batch is sent. */
  private static final int HEADERS = 2048;
  /** One segment's VXLAN + Ethernet + IPv4 + TCP headers, at most; 16-byte aligned. */
  private static final int HEADER_SLOT = (VxlanHeader.LENGTH + TcpSegmenter.MAX_HEADERS + 15) & ~15;
  private static final int IOVECS = 2 * HEADERS + BATCH;
  private static final int MESSAGES = BATCH * Settings.MAX_VPG_PEERS;
  private static final int CONTROLS = MESSAGES;
  private static final Logger log = LoggerFactory.getLogger(Transmitter.class);

  private final TapPort tap;
  private final VpgPeers peers;
  private final Prober prober;
  private final MacTable macs;
  private final DropCounters drops;
  private final IntConsumer onTapLost;
  private boolean tapLost;
  private UdpPort udp;
  private boolean udpGso;
  private int vni;

  private final MemorySegment slots;
  private final MemorySegment headerPool;
  private final MemorySegment iovecs;
  private final MemorySegment controls;
  private final MessageVector tx;
  /** Per queued message: its VPG peer, how many datagrams it carries and their bytes (for the counters). */
  private final int[] txPeer = new int[MESSAGES];
  private final int[] txDatagrams = new int[MESSAGES];
  private final int[] txLength = new int[MESSAGES];
  private int messages;
  private int iovecsUsed;
  private int headersUsed;
  private int controlsUsed;
  /** Datagram size of the run of plain datagrams the last queued message gathers, or 0: it gathers none. */
  private int runSize;
  private long runIovec;
  private long runControl;
  private long coalesced;

  /** @param onTapLost called once, with the errno, when reading the TAP fails for good */
  Transmitter(Arena arena, TapPort tap, VpgPeers peers, Prober prober, MacTable macs, DropCounters drops,
      IntConsumer onTapLost) {
    this.tap = tap;
    this.peers = peers;
    this.prober = prober;
    this.macs = macs;
    this.drops = drops;
    this.onTapLost = onTapLost;
    this.slots = arena.allocate((long) SLOT * BATCH, 64);
    this.headerPool = arena.allocate((long) HEADER_SLOT * HEADERS, 64);
    this.iovecs = arena.allocate((long) MessageVector.IOVEC * IOVECS, 8);
    this.controls = arena.allocate((long) UdpSegment.SPACE * CONTROLS, 8);
    this.tx = new MessageVector(arena, MESSAGES);
  }

  void use(UdpPort socket, int vxlanNetworkId) {
    udp = socket;
    udpGso = socket.segmentationOffload();
    vni = vxlanNetworkId;
  }

  /** Called by the event loop when the TAP is readable: drains up to {@code budget} batches. */
  void onReadable(int budget) {
    for (int round = 0; round < budget; round++) {
      long now = System.nanoTime();
      boolean drained = false;
      long slot = 0; // frames are packed (64-byte aligned) so small ones share cache lines and pages
      for (int frames = 0; frames < BATCH; frames++) {
        long read = tap.read(slots.address() + slot, SLOT);
        if (read <= 0) {
          if (read < 0) {
            checkTap(tap.error());
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
      drops.one(DropReason.MALFORMED);
      return;
    }
    long destination = MacAddress.read(slots, frame);
    int peer = MacAddress.isGroup(destination) ? MacTable.NO_PEER : macs.lookup(destination, now);
    int gsoType = VirtioNetHeader.gsoType(slots, slot);
    int csumStart = VirtioNetHeader.csumStart(slots, slot);
    if (gsoType == VirtioNetHeader.GSO_TCPV4) {
      segment(frame, length, csumStart, VirtioNetHeader.gsoSize(slots, slot), peer);
      return;
    }
    boolean partial = (VirtioNetHeader.flags(slots, slot) & VirtioNetHeader.F_NEEDS_CSUM) != 0;
    int csumOffset = VirtioNetHeader.csumOffset(slots, slot);
    if (gsoType != VirtioNetHeader.GSO_NONE
        || partial && !Checksum.complete(slots, frame, length, csumStart, csumOffset)) {
      drops.one(DropReason.MALFORMED);
      return;
    }
    if (slots.get(Headers.SHORT_BE, frame + Headers.ETHERTYPE) == Headers.ETHERTYPE_ARP) {
      prober.hostSent(slots, frame, length, now);
    }
    long datagram = frame - VxlanHeader.LENGTH; // overwrites the already parsed virtio_net_hdr
    VxlanHeader.write(slots, datagram, vni);
    int size = length + VxlanHeader.LENGTH;
    if (joinsRun(peer, datagram, size)) {
      return;
    }
    reserve(1, 0, peer);
    long iovec = addIovec(slots.address() + datagram, size);
    enqueue(peer, iovec, 1, 0, 1, size);
    boolean gathers = udpGso && peer >= 0;
    runSize = gathers ? size : 0;
    runIovec = iovec;
  }

  /**
   * Adds the datagram of {@code size} bytes at {@code datagram} to the last queued message when
   * that message gathers datagrams of this size (or larger: a shorter one ends it) to the same
   * VPG peer: small packets then cross the host's stack as one UDP GSO skb per burst instead of one
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
    addIovec(slots.address() + datagram, size);
    txDatagrams[last]++;
    txLength[last] += size;
    coalesced++;
    tx.set(last, peers.sockaddr(peer), runIovec, txDatagrams[last], runControl, UdpSegment.SPACE);
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
    int headers = TcpSegmenter.headerLength(slots, frame, length, csumStart);
    if (mss == 0 || headers < 0 || headers >= length) {
      drops.one(DropReason.MALFORMED);
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
            slots, frame, length, headers, mss, s, headerPool, header + VxlanHeader.LENGTH);
        addIovec(headerPool.address() + header, VxlanHeader.LENGTH + headers);
        addIovec(slots.address() + frame + headers + (long) s * mss, payload);
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

  /** Sends what is queued first when the next message (to {@code peer}, or every flooded VPG peer) would not fit. */
  private void reserve(int iovecCount, int headerCount, int peer) {
    int targets = peer >= 0 ? 1 : peers.floodCount();
    if (messages + targets > tx.capacity() || iovecsUsed + iovecCount > IOVECS
        || headersUsed + headerCount > HEADERS || controlsUsed >= CONTROLS) {
      flush();
    }
  }

  private long addIovec(long base, int length) {
    MessageVector.setIovec(iovecs, iovecsUsed, base, length);
    return iovecs.address() + (long) iovecsUsed++ * MessageVector.IOVEC;
  }

  /**
   * One message to a learned VPG peer, or a copy to every VPG peer that is not down (head-end replication; copies
   * share the iovecs).
   */
  private void enqueue(int peer, long iovec, int iovecCount, long control, int datagrams, int bytes) {
    runSize = 0; // a new message: whatever run the previous one gathered is closed
    int controlLength = control == 0 ? 0 : UdpSegment.SPACE;
    int copies = peer >= 0 ? 1 : peers.floodCount();
    for (int copy = 0; copy < copies; copy++) {
      int p = peer >= 0 ? peer : peers.flood(copy);
      tx.set(messages, peers.sockaddr(p), iovec, iovecCount, control, controlLength);
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
      int count = udp.send(tx.address(sent), messages - sent);
      if (count > 0) {
        for (int m = sent; m < sent + count; m++) {
          peers.get(txPeer[m]).sent(txDatagrams[m], txLength[m]);
        }
        sent += count;
        continue;
      }
      int error = udp.error();
      if (error == Libc.EINTR) {
        continue;
      }
      if (error == Libc.EAGAIN) {
        drops.add(DropReason.SOCKET_BUSY, messages - sent);
        return;
      }
      if (txDatagrams[sent] > 1 && udpGso && (error == Libc.EIO || error == Libc.EINVAL)) {
        // The route's device cannot checksum-offload UDP (EIO), or a segment exceeds the path MTU
        // (EINVAL): send one datagram per message from now on, as without GSO.
        udpGso = false;
        log.atWarn().addKeyValue("error", Libc.strerror(error))
            .log("UDP GSO refused by the kernel; sending segments one by one");
      }
      drops.one(DropReason.SEND_FAILED); // only the first message failed: skip it, send the rest
      sent++;
    }
  }

  /** Datagrams that joined an earlier one's UDP GSO message. */
  long coalesced() {
    return coalesced;
  }
}
