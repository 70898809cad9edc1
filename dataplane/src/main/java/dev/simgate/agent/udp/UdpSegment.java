package dev.simgate.agent.udp;

import dev.simgate.agent.packet.Headers;
import dev.simgate.agent.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * UDP GSO (Linux ≥ 4.18): a {@code cmsghdr} of level SOL_UDP, type UDP_SEGMENT carrying a uint16
 * segment size. A sendmsg with it hands the kernel one buffer that leaves as datagrams of that size
 * (the last may be shorter) while crossing the stack as one skb. At most {@link #MAX_SEGMENTS} per
 * send and at most {@link #MAX_PAYLOAD} bytes in all.
 */
public final class UdpSegment {
  /** CMSG_SPACE(sizeof(uint16_t)) on x86-64: 16-byte header, data padded to 8. */
  public static final int SPACE = 24;
  public static final int MAX_SEGMENTS = 64;
  /** The largest IPv4 packet less its IPv4 and UDP headers. */
  public static final int MAX_PAYLOAD = Headers.IPV4_MAX_PACKET - Headers.IPV4_MIN - Headers.UDP;
  /** CMSG_LEN(sizeof(uint16_t)). */
  private static final long LENGTH = 18;

  private UdpSegment() {}

  /** How many datagrams of {@code length} bytes one message can carry (at least one). */
  public static int perMessage(int length) {
    return Math.max(1, Math.min(MAX_SEGMENTS, MAX_PAYLOAD / length));
  }

  /** Writes the control message for segments of {@code size} bytes at {@code offset}. */
  public static void write(MemorySegment control, long offset, int size) {
    control.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, LENGTH);
    control.set(ValueLayout.JAVA_INT_UNALIGNED, offset + 8, Libc.SOL_UDP);
    control.set(ValueLayout.JAVA_INT_UNALIGNED, offset + 12, Libc.UDP_SEGMENT);
    control.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset + 16, (short) size);
  }

  /** Whether the kernel knows UDP_SEGMENT on {@code fd} (setting a segment size of 0 is a no-op). */
  public static boolean supported(int fd) {
    var errno = new Libc.Errno();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment zero = arena.allocate(ValueLayout.JAVA_INT);
      return Libc.setsockopt(errno, fd, Libc.SOL_UDP, Libc.UDP_SEGMENT, zero, 4) == 0;
    }
  }
}
