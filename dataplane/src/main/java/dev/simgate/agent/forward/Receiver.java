package dev.simgate.agent.forward;

import dev.simgate.agent.offload.VirtioNetHeader;
import dev.simgate.agent.packet.Headers;
import dev.simgate.agent.packet.MacAddress;
import dev.simgate.agent.sys.Libc;
import dev.simgate.agent.udp.MessageVector;
import dev.simgate.agent.udp.SockaddrIn;
import dev.simgate.agent.vxlan.VxlanHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * VXLAN → TAP. recvmmsg takes up to {@link #BATCH} datagrams into fixed slots, 2 bytes past their start; each is
 * checked in place (source is a VPG peer, I flag, VNI, an IPv4 or ARP frame), its inner source MAC is learned, an
 * answer to a probe is credited to its peer ({@link Prober}) and kept from the host, and the inner frame goes to
 * the TAP straight from the slot, with a virtio_net_hdr written over the VXLAN header ({@link TapWriter}):
 * consecutive segments of a TCP flow leave as one super-frame, the rest one by one. Event loop only; allocates
 * nothing after construction.
 */
final class Receiver {
  static final int BATCH = 64;
  /** A receive slot holds a VXLAN header, an Ethernet header with a VLAN tag and a 9000-byte payload. */
  static final int SLOT = 9216;
  /** Received datagrams start here, so the VXLAN header can become the TAP's virtio_net_hdr. */
  private static final int HEADROOM = VirtioNetHeader.LENGTH - VxlanHeader.LENGTH;

  private final VpgPeers peers;
  private final Prober prober;
  private final MacTable macs;
  private final DropCounters drops;
  private final long ownMac;
  private final MemorySegment slots;
  private final MemorySegment names;
  private final MessageVector rx;
  private final TapWriter tapWriter;
  private UdpPort udp;
  private int vni;

  Receiver(Arena arena, TapPort tap, VpgPeers peers, Prober prober, MacTable macs, DropCounters drops, long ownMac) {
    this.peers = peers;
    this.prober = prober;
    this.macs = macs;
    this.drops = drops;
    this.ownMac = ownMac;
    this.slots = arena.allocate((long) SLOT * BATCH, 64);
    this.names = arena.allocate((long) SockaddrIn.SIZE * BATCH, 8);
    this.rx = new MessageVector(arena, BATCH);
    this.tapWriter = new TapWriter(tap, slots, BATCH, arena);
    MemorySegment iovecs = arena.allocate((long) MessageVector.IOVEC * BATCH, 8);
    for (int i = 0; i < BATCH; i++) {
      MessageVector.setIovec(iovecs, i, slots.address() + (long) i * SLOT + HEADROOM, SLOT - HEADROOM);
      rx.set(i, names.address() + (long) i * SockaddrIn.SIZE, iovecs.address() + (long) i * MessageVector.IOVEC);
    }
  }

  void use(UdpPort socket, int vxlanNetworkId) {
    udp = socket;
    vni = vxlanNetworkId;
  }

  /** Called by the event loop when the UDP socket is readable: drains up to {@code budget} batches. */
  void onReadable(int budget) {
    for (int round = 0; round < budget; round++) {
      int count = udp.receive(rx.address(0), BATCH);
      if (count <= 0) {
        return; // EAGAIN: drained. Other errors: level-triggered epoll will call again.
      }
      long now = System.nanoTime();
      for (int i = 0; i < count; i++) {
        decapsulate(i, now);
        rx.resetNameLength(i);
      }
      drops.add(DropReason.TAP_WRITE_FAILED, tapWriter.flush()); // before the slots are reused
      if (count < BATCH) {
        return;
      }
    }
  }

  private void decapsulate(int index, long now) {
    int peer = peers.indexOf(SockaddrIn.address(names, (long) index * SockaddrIn.SIZE));
    if (peer < 0) {
      drops.one(DropReason.UNKNOWN_PEER);
      return;
    }
    int length = rx.length(index);
    long datagram = (long) index * SLOT + HEADROOM;
    if ((rx.flags(index) & Libc.MSG_TRUNC) != 0) {
      drops.one(DropReason.MALFORMED);
      return;
    }
    switch (VxlanHeader.check(slots, datagram, length, vni)) {
      case VALID -> {}
      case WRONG_VNI -> {
        drops.one(DropReason.BAD_VNI);
        return;
      }
      case TRUNCATED, I_FLAG_UNSET -> {
        drops.one(DropReason.MALFORMED);
        return;
      }
    }
    long source = MacAddress.read(slots, datagram + VxlanHeader.LENGTH + MacAddress.LENGTH);
    if (source == ownMac) {
      drops.one(DropReason.LOOP);
      return;
    }
    if (MacAddress.isGroup(source)) {
      drops.one(DropReason.MALFORMED);
      return;
    }
    long frame = datagram + VxlanHeader.LENGTH;
    int frameLength = length - VxlanHeader.LENGTH;
    short etherType = slots.get(Headers.SHORT_BE, frame + Headers.ETHERTYPE);
    boolean arp = etherType == Headers.ETHERTYPE_ARP;
    if (!arp && etherType != Headers.ETHERTYPE_IPV4) {
      drops.one(DropReason.UNSUPPORTED_ETHERTYPE);
      return;
    }
    VpgPeer vpgPeer = peers.get(peer);
    vpgPeer.received(length, now);
    if (arp && prober.isAnswer(slots, frame, frameLength) && !prober.answered(peer, now)) {
      return; // the agent's own: it steers no traffic (a VPG may answer from every peer with one MAC)
    }
    if (!vpgPeer.isDown()) {
      macs.learn(source, peer, now); // unicast never goes to a peer that does not answer
    }
    // The frame's virtio_net_hdr goes over the VXLAN header, just before it.
    drops.add(DropReason.TAP_WRITE_FAILED, tapWriter.offer(frame, frameLength));
  }

  /** Segments merged into an earlier one's TAP write. */
  long coalesced() {
    return tapWriter.coalesced();
  }
}
