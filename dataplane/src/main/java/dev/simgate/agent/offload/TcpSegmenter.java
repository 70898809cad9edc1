package dev.simgate.agent.offload;

import static dev.simgate.agent.packet.Headers.ETHERNET;
import static dev.simgate.agent.packet.Headers.ETHERTYPE_IPV4;
import static dev.simgate.agent.packet.Headers.INT_BE;
import static dev.simgate.agent.packet.Headers.IPV4_MAX;
import static dev.simgate.agent.packet.Headers.IPV4_MIN;
import static dev.simgate.agent.packet.Headers.PROTOCOL_TCP;
import static dev.simgate.agent.packet.Headers.SHORT_BE;
import static dev.simgate.agent.packet.Headers.TCP_CHECKSUM;
import static dev.simgate.agent.packet.Headers.TCP_CWR;
import static dev.simgate.agent.packet.Headers.TCP_FIN;
import static dev.simgate.agent.packet.Headers.TCP_MAX;
import static dev.simgate.agent.packet.Headers.TCP_MIN;
import static dev.simgate.agent.packet.Headers.TCP_PSH;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * User-space TCP segmentation of an IPv4 TSO super-frame (Ethernet + IPv4 + TCP + up to 64 KiB of
 * payload) read from a TAP with offloads on. Only the headers are written: segment {@code i}'s
 * headers go to a separate buffer and its payload stays in place in the super-frame, at
 * {@code headerLength + i * mss}. Per segment: IPv4 total length, id (+i) and header checksum;
 * TCP sequence number (+ payload sent before), FIN/PSH only on the last segment, CWR only on the
 * first, and the TCP checksum over pseudo-header, header and payload. Pure and allocation-free.
 */
public final class TcpSegmenter {
  /** Ethernet + the longest IPv4 header + the longest TCP header. */
  public static final int MAX_HEADERS = ETHERNET + IPV4_MAX + TCP_MAX;

  private TcpSegmenter() {}

  /**
   * The length of the Ethernet + IPv4 + TCP headers of the frame of {@code length} bytes at
   * {@code frame}, or -1 when it is not an untagged IPv4/TCP frame whose TCP header starts at
   * {@code transportStart} (the virtio_net_hdr's csum_start) and ends inside the frame.
   */
  public static int headerLength(MemorySegment m, long frame, int length, int transportStart) {
    if (length < ETHERNET + IPV4_MIN || (m.get(SHORT_BE, frame + 12) & 0xFFFF) != ETHERTYPE_IPV4) {
      return -1;
    }
    int versionIhl = m.get(ValueLayout.JAVA_BYTE, frame + ETHERNET) & 0xFF;
    int ipHeader = (versionIhl & 0x0F) * 4;
    if ((versionIhl >>> 4) != 4 || ipHeader < IPV4_MIN || ETHERNET + ipHeader != transportStart
        || (m.get(ValueLayout.JAVA_BYTE, frame + ETHERNET + 9) & 0xFF) != PROTOCOL_TCP
        || transportStart + TCP_MIN > length) {
      return -1;
    }
    int tcpHeader = ((m.get(ValueLayout.JAVA_BYTE, frame + transportStart + 12) & 0xFF) >>> 4) * 4;
    int headers = transportStart + tcpHeader;
    return tcpHeader < TCP_MIN || headers > length ? -1 : headers;
  }

  /** How many segments of at most {@code mss} payload bytes carry {@code payload} bytes. */
  public static int segmentCount(int payload, int mss) {
    return (payload + mss - 1) / mss;
  }

  /**
   * Writes the headers of segment {@code index} of the super-frame at {@code frame} to
   * {@code out} at {@code to} and returns that segment's payload length.
   *
   * @param headers the frame's header length ({@link #headerLength})
   * @param mss payload bytes per segment (the virtio_net_hdr's gso_size)
   */
  public static int writeHeaders(
      MemorySegment m, long frame, int length, int headers, int mss, int index, MemorySegment out, long to) {
    int total = length - headers;
    int count = segmentCount(total, mss);
    int offset = index * mss;
    int payload = Math.min(mss, total - offset);
    MemorySegment.copy(m, frame, out, to, headers);

    long ip = to + ETHERNET;
    int ipHeader = (out.get(ValueLayout.JAVA_BYTE, ip) & 0x0F) * 4;
    out.set(SHORT_BE, ip + 2, (short) (headers - ETHERNET + payload));
    out.set(SHORT_BE, ip + 4, (short) (out.get(SHORT_BE, ip + 4) + index));
    Checksum.storeIpv4Header(out, ip, ipHeader);

    long tcp = ip + ipHeader;
    int tcpHeader = headers - ETHERNET - ipHeader;
    out.set(INT_BE, tcp + 4, out.get(INT_BE, tcp + 4) + offset);
    int flags = out.get(ValueLayout.JAVA_BYTE, tcp + 13) & 0xFF;
    if (index != count - 1) {
      flags &= ~(TCP_FIN | TCP_PSH);
    }
    if (index != 0) {
      flags &= ~TCP_CWR;
    }
    out.set(ValueLayout.JAVA_BYTE, tcp + 13, (byte) flags);
    out.set(SHORT_BE, tcp + TCP_CHECKSUM, (short) 0);
    long sum = Checksum.pseudoHeader(out, ip, PROTOCOL_TCP, tcpHeader + payload);
    sum = Checksum.add(out, tcp, tcpHeader, sum);
    sum = Checksum.add(m, frame + headers + offset, payload, sum);
    Checksum.store(out, tcp + TCP_CHECKSUM, Checksum.finish(sum));
    return payload;
  }
}
