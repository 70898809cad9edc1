package dev.simgate.agent.offload;

import static dev.simgate.agent.packet.Headers.ETHERNET;
import static dev.simgate.agent.packet.Headers.ETHERTYPE_IPV4;
import static dev.simgate.agent.packet.Headers.INT_BE;
import static dev.simgate.agent.packet.Headers.IPV4_MAX_PACKET;
import static dev.simgate.agent.packet.Headers.IPV4_MIN;
import static dev.simgate.agent.packet.Headers.IPV4_MORE_FRAGMENTS_AND_OFFSET;
import static dev.simgate.agent.packet.Headers.PROTOCOL_TCP;
import static dev.simgate.agent.packet.Headers.SHORT_BE;
import static dev.simgate.agent.packet.Headers.TCP_ACK;
import static dev.simgate.agent.packet.Headers.TCP_CHECKSUM;
import static dev.simgate.agent.packet.Headers.TCP_MIN;
import static dev.simgate.agent.packet.Headers.TCP_PSH;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * User-space GRO for frames going to the TAP: consecutive TCP segments of one flow become one
 * super-frame, written once with a virtio_net_hdr (GSO TCPv4, partial checksum), so the host's
 * stack handles one skb where it would handle ~45, as if its own GRO had merged them. The rules
 * follow the kernel's {@code tcp_gro_receive}: same addresses, ports, ACK, window, options, TTL
 * and TOS; the next sequence number; segments of the first one's size (the last may be shorter);
 * nothing but ACK and PSH, and nothing after a PSH. Only the headers are touched: the payloads stay
 * where they were received and are gathered by {@code writev}. Pure and allocation-free.
 */
public final class TcpCoalescer {
  /** Where the IPv4 header starts in a frame. */
  private static final int IP = ETHERNET;
  /** Only option-less IPv4 headers are merged (options are rare and would all have to match), so TCP starts here. */
  private static final int TCP = IP + IPV4_MIN;

  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

  private TcpCoalescer() {}

  /**
   * The Ethernet + IPv4 + TCP header length of the frame of {@code length} bytes at {@code frame}
   * if it may start or join a super-frame, else -1. It must be untagged IPv4 without options or
   * fragmentation whose total length matches the frame, TCP with ACK and at most PSH besides, carry
   * a payload, and have both checksums right: a super-frame reaches the host as already checked,
   * so a corrupt segment must stay out of it (written alone, the host drops and counts it).
   */
  public static int headerLength(MemorySegment m, long frame, int length) {
    if (length < TCP + TCP_MIN || (m.get(SHORT_BE, frame + 12) & 0xFFFF) != ETHERTYPE_IPV4
        || m.get(ValueLayout.JAVA_BYTE, frame + IP) != 0x45
        || (m.get(SHORT_BE, frame + IP + 2) & 0xFFFF) != length - ETHERNET
        || (m.get(SHORT_BE, frame + IP + 6) & IPV4_MORE_FRAGMENTS_AND_OFFSET) != 0
        || m.get(ValueLayout.JAVA_BYTE, frame + IP + 9) != PROTOCOL_TCP) {
      return -1;
    }
    int tcpHeader = ((m.get(ValueLayout.JAVA_BYTE, frame + TCP + 12) & 0xFF) >>> 4) * 4;
    int headers = TCP + tcpHeader;
    int flags = flags(m, frame);
    if (tcpHeader < TCP_MIN || headers >= length || (flags & ~TCP_PSH) != TCP_ACK) {
      return -1;
    }
    if (Checksum.finish(Checksum.add(m, frame + IP, IPV4_MIN, 0)) != 0) {
      return -1;
    }
    long sum = Checksum.pseudoHeader(m, frame + IP, PROTOCOL_TCP, length - TCP);
    return Checksum.finish(Checksum.add(m, frame + TCP, length - TCP, sum)) == 0 ? headers : -1;
  }

  /** Whether a super-frame with these headers and this much payload fits the IPv4 total length. */
  public static boolean fits(int headers, int payload) {
    return headers - ETHERNET + payload <= IPV4_MAX_PACKET;
  }

  /** The TCP sequence number of the frame at {@code frame}. */
  public static int sequence(MemorySegment m, long frame) {
    return m.get(INT_BE, frame + TCP + 4);
  }

  public static boolean push(MemorySegment m, long frame) {
    return (flags(m, frame) & TCP_PSH) != 0;
  }

  /**
   * Whether the frame at {@code next} (a {@link #headerLength} candidate with the same header
   * length) continues the flow of the super-frame whose first frame is at {@code first}, at the
   * sequence number {@code expected}. Sizes and the PSH rule are the caller's.
   */
  public static boolean continues(MemorySegment m, long first, int headers, long next, int expected) {
    return sequence(m, next) == expected
        // Ethernet destination and source
        && m.get(LONG, first) == m.get(LONG, next) && m.get(INT, first + 8) == m.get(INT, next + 8)
        && m.get(ValueLayout.JAVA_BYTE, first + IP + 1) == m.get(ValueLayout.JAVA_BYTE, next + IP + 1) // TOS
        && m.get(SHORT_BE, first + IP + 6) == m.get(SHORT_BE, next + IP + 6) // DF
        && m.get(ValueLayout.JAVA_BYTE, first + IP + 8) == m.get(ValueLayout.JAVA_BYTE, next + IP + 8) // TTL
        && m.get(LONG, first + IP + 12) == m.get(LONG, next + IP + 12) // addresses
        && m.get(INT, first + TCP) == m.get(INT, next + TCP) // ports
        && m.get(INT, first + TCP + 8) == m.get(INT, next + TCP + 8) // ACK number
        // data offset, flags (PSH aside), window
        && (m.get(INT_BE, first + TCP + 12) | TCP_PSH << 16) == (m.get(INT_BE, next + TCP + 12) | TCP_PSH << 16)
        && sameOptions(m, first, next, headers);
  }

  private static boolean sameOptions(MemorySegment m, long first, long next, int headers) {
    for (int at = TCP + TCP_MIN; at < headers; at += 4) { // TCP header lengths are multiples of 4
      if (m.get(INT, first + at) != m.get(INT, next + at)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Turns the headers of the first frame (at {@code first}) into those of a super-frame of
   * {@code payload} bytes cut in segments of {@code mss}, and writes its virtio_net_hdr at
   * {@code virtioHeader}: IPv4 total length and header checksum, PSH if the last segment had it,
   * and the TCP checksum field holding the pseudo-header sum for the host to complete.
   */
  public static void finish(MemorySegment m, long virtioHeader, long first, int headers, int payload, int mss,
      boolean push) {
    int tcpLength = headers - TCP + payload;
    m.set(SHORT_BE, first + IP + 2, (short) (IPV4_MIN + tcpLength));
    Checksum.storeIpv4Header(m, first + IP, IPV4_MIN);
    if (push) {
      m.set(ValueLayout.JAVA_BYTE, first + TCP + 13, (byte) (flags(m, first) | TCP_PSH));
    }
    long pseudo = Checksum.pseudoHeader(m, first + IP, PROTOCOL_TCP, tcpLength);
    Checksum.store(m, first + TCP + TCP_CHECKSUM, (short) ~Checksum.finish(pseudo));
    VirtioNetHeader.writeTcpGso(m, virtioHeader, headers, mss, TCP, TCP_CHECKSUM);
  }

  private static int flags(MemorySegment m, long frame) {
    return m.get(ValueLayout.JAVA_BYTE, frame + TCP + 13) & 0xFF;
  }
}
