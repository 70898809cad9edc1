package dev.simgate.agent.udp;

import static dev.simgate.agent.packet.Headers.INT_BE;
import static dev.simgate.agent.packet.Headers.SHORT_BE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@code struct sockaddr_in}: family (host order), port and address (network order), zero padding. */
public final class SockaddrIn {
  public static final int SIZE = 16;
  private static final int AF_INET = 2;

  private SockaddrIn() {}

  public static void write(MemorySegment target, long offset, int address, int port) {
    target.asSlice(offset, SIZE).fill((byte) 0);
    target.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) AF_INET);
    target.set(SHORT_BE, offset + 2, (short) port);
    target.set(INT_BE, offset + 4, address);
  }

  public static int port(MemorySegment source, long offset) {
    return Short.toUnsignedInt(source.get(SHORT_BE, offset + 2));
  }

  /** The IPv4 address of the sockaddr_in at {@code offset}, as an int in network order. */
  public static int address(MemorySegment source, long offset) {
    return source.get(INT_BE, offset + 4);
  }
}
