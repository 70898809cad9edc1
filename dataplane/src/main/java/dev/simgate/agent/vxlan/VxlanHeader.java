package dev.simgate.agent.vxlan;

import static dev.simgate.agent.packet.Headers.INT_BE;

import dev.simgate.agent.packet.Headers;
import java.lang.foreign.MemorySegment;

/**
 * RFC 7348 VXLAN header: {@code flags(8) reserved(24) VNI(24) reserved(8)}, network byte order.
 *
 * <p>Pure functions over a {@link MemorySegment} and an offset, so the packet path works in place on
 * native receive buffers and tests work on heap arrays. Reserved bits are written as zero and
 * ignored on receipt, as the RFC says.
 */
public final class VxlanHeader {
  public static final int LENGTH = 8;
  /** Ethernet header (dst, src, ethertype): the shortest inner frame worth delivering. */
  public static final int MIN_INNER_FRAME = Headers.ETHERNET;
  public static final int MAX_VNI = 0xFF_FFFF;

  static final int I_FLAG = 0x08;

  /** What {@link #check} found. */
  public enum Verdict {
    VALID,
    TRUNCATED,
    I_FLAG_UNSET,
    WRONG_VNI
  }

  private VxlanHeader() {}

  /** Writes the 8-byte header with the I flag and {@code vni} at {@code offset}. */
  public static void write(MemorySegment buffer, long offset, int vni) {
    buffer.set(INT_BE, offset, I_FLAG << 24);
    buffer.set(INT_BE, offset + 4, vni << 8);
  }

  /**
   * Judges a received VXLAN datagram of {@code length} bytes at {@code offset}: long enough for a
   * header and an Ethernet header, I flag set, VNI equal to {@code expectedVni}.
   */
  public static Verdict check(MemorySegment datagram, long offset, int length, int expectedVni) {
    if (length < LENGTH + MIN_INNER_FRAME) {
      return Verdict.TRUNCATED;
    }
    if ((datagram.get(INT_BE, offset) & (I_FLAG << 24)) == 0) {
      return Verdict.I_FLAG_UNSET;
    }
    return vni(datagram, offset) == expectedVni ? Verdict.VALID : Verdict.WRONG_VNI;
  }

  /** The VNI field of the header at {@code offset} (no validation). */
  public static int vni(MemorySegment datagram, long offset) {
    return datagram.get(INT_BE, offset + 4) >>> 8;
  }
}
