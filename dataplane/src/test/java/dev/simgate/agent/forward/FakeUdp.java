package dev.simgate.agent.forward;

import dev.simgate.agent.packet.Headers;
import dev.simgate.agent.sys.Libc;
import dev.simgate.agent.udp.MessageVector;
import dev.simgate.agent.udp.SockaddrIn;
import dev.simgate.contract.net.Ipv4;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A UDP socket in memory that plays the kernel's part of recvmmsg and sendmmsg on the agent's mmsghdr arrays: it
 * fills in received datagrams (truncating to the buffer, with MSG_TRUNC), and cuts each sent message into the
 * datagrams that would leave on the wire (by its UDP_SEGMENT size, as UDP GSO does).
 */
final class FakeUdp implements UdpPort {
  /** One datagram on the wire: the VPG peer's outer address and port, and the UDP payload. */
  record Datagram(Ipv4 peer, int port, byte[] payload) {}

  final Deque<Datagram> incoming = new ArrayDeque<>();
  final List<Datagram> sent = new ArrayList<>();
  /** How many sendmmsg messages carried more than one datagram (UDP GSO). */
  int gsoMessages;
  boolean gso = true;
  /** Messages the send buffer still takes; then sends fail with EAGAIN. */
  int room = Integer.MAX_VALUE;
  private int error;

  @Override
  public int receive(long messages, int count) {
    if (incoming.isEmpty()) {
      error = Libc.EAGAIN;
      return -1;
    }
    int received = 0;
    for (; received < count && !incoming.isEmpty(); received++) {
      Datagram datagram = incoming.poll();
      var entry = MessageVector.Entry.at(messages + (long) received * MessageVector.ENTRY);
      SockaddrIn.write(MemorySegment.ofAddress(entry.name()).reinterpret(SockaddrIn.SIZE), 0,
          datagram.peer().bits(), datagram.port());
      MemorySegment iovec = MemorySegment.ofAddress(entry.iovecs()).reinterpret(MessageVector.IOVEC);
      long room = iovec.get(ValueLayout.JAVA_LONG, 8);
      int copied = (int) Math.min(room, datagram.payload().length);
      MemorySegment.copy(datagram.payload(), 0,
          MemorySegment.ofAddress(iovec.get(ValueLayout.JAVA_LONG, 0)).reinterpret(room), ValueLayout.JAVA_BYTE, 0,
          copied);
      entry.received(copied, copied < datagram.payload().length ? Libc.MSG_TRUNC : 0);
    }
    return received;
  }

  @Override
  public int send(long messages, int count) {
    int accepted = 0;
    for (; accepted < count && room > 0; accepted++, room--) {
      var entry = MessageVector.Entry.at(messages + (long) accepted * MessageVector.ENTRY);
      MemorySegment name = MemorySegment.ofAddress(entry.name()).reinterpret(SockaddrIn.SIZE);
      Ipv4 peer = new Ipv4(SockaddrIn.address(name, 0));
      int port = Short.toUnsignedInt(name.get(Headers.SHORT_BE, 2));
      byte[] buffer = FakeTap.gather(entry.iovecs(), entry.iovecCount());
      int size = buffer.length;
      if (entry.controlLength() > 0) {
        size = Short.toUnsignedInt(MemorySegment.ofAddress(entry.control()).reinterpret(entry.controlLength())
            .get(ValueLayout.JAVA_SHORT_UNALIGNED, 16));
        gsoMessages += buffer.length > size ? 1 : 0;
      }
      for (int at = 0; at < buffer.length; at += size) {
        sent.add(new Datagram(peer, port, Arrays.copyOfRange(buffer, at, Math.min(buffer.length, at + size))));
      }
    }
    if (accepted == 0 && count > 0) {
      error = Libc.EAGAIN;
      return -1;
    }
    return accepted;
  }

  @Override
  public int error() {
    return error;
  }

  @Override
  public boolean segmentationOffload() {
    return gso;
  }
}
