package dev.simgate.agent.offload;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct virtio_net_hdr} (10 bytes, host byte order), which a TAP opened with
 * {@code IFF_VNET_HDR} puts in front of every frame read and expects in front of every frame
 * written. A zeroed one means "a complete frame, checksums done".
 */
public final class VirtioNetHeader {
  public static final int LENGTH = 10;
  /** flags: the checksum at csum_start + csum_offset is partial (pseudo-header only). */
  public static final int F_NEEDS_CSUM = 1;
  public static final int GSO_NONE = 0;
  public static final int GSO_TCPV4 = 1;
  /** gso_type bit: the flow uses ECN; the first segment keeps CWR. */
  public static final int GSO_ECN = 0x80;

  private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

  private VirtioNetHeader() {}

  public static int flags(MemorySegment m, long at) {
    return m.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
  }

  /** gso_type without the ECN bit. */
  public static int gsoType(MemorySegment m, long at) {
    return m.get(ValueLayout.JAVA_BYTE, at + 1) & ~GSO_ECN & 0xFF;
  }

  /** Payload bytes per segment. */
  public static int gsoSize(MemorySegment m, long at) {
    return m.get(SHORT, at + 4) & 0xFFFF;
  }

  /** Offset in the frame where checksumming starts (the transport header). */
  public static int csumStart(MemorySegment m, long at) {
    return m.get(SHORT, at + 6) & 0xFFFF;
  }

  /** Offset of the checksum field from csum_start. */
  public static int csumOffset(MemorySegment m, long at) {
    return m.get(SHORT, at + 8) & 0xFFFF;
  }

  /**
   * A TCP/IPv4 super-frame of segments of {@code gsoSize} payload bytes whose TCP checksum field
   * holds the pseudo-header sum (to be completed from {@code csumStart} on, as the host's own TSO
   * frames are): what the kernel makes of it is one skb, as if its GRO had merged the segments.
   */
  public static void writeTcpGso(
      MemorySegment m, long at, int headerLength, int gsoSize, int csumStart, int csumOffset) {
    m.set(ValueLayout.JAVA_BYTE, at, (byte) F_NEEDS_CSUM);
    m.set(ValueLayout.JAVA_BYTE, at + 1, (byte) GSO_TCPV4);
    m.set(SHORT, at + 2, (short) headerLength);
    m.set(SHORT, at + 4, (short) gsoSize);
    m.set(SHORT, at + 6, (short) csumStart);
    m.set(SHORT, at + 8, (short) csumOffset);
  }

  public static void clear(MemorySegment m, long at) {
    m.set(ValueLayout.JAVA_LONG_UNALIGNED, at, 0L);
    m.set(SHORT, at + 8, (short) 0);
  }
}
