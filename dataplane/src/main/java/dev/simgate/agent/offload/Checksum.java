package dev.simgate.agent.offload;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071) over a {@link MemorySegment}: a running 64-bit sum of big-endian
 * words that is folded to 16 bits at the end. Summing 8 bytes at a time is allowed because
 * 2^16 ≡ 1 (mod 2^16 − 1). Pure and allocation-free.
 */
public final class Checksum {
  private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfShort SHORT_BE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private Checksum() {}

  /**
   * Adds {@code length} bytes at {@code offset} to {@code sum}. The bytes must start at an even
   * position of the checksummed data (an odd last byte is padded with zero).
   */
  public static long add(MemorySegment data, long offset, int length, long sum) {
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      long word = data.get(LONG_BE, offset + i);
      sum += (word >>> 32) + (word & 0xFFFF_FFFFL);
    }
    if (i + 4 <= length) {
      sum += data.get(INT_BE, offset + i) & 0xFFFF_FFFFL;
      i += 4;
    }
    if (i + 2 <= length) {
      sum += data.get(SHORT_BE, offset + i) & 0xFFFF;
      i += 2;
    }
    if (i < length) {
      sum += (data.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF) << 8;
    }
    return sum;
  }

  /** The IPv4 pseudo-header (addresses in network order as ints) of a transport segment. */
  public static long pseudoHeader(int source, int destination, int protocol, int length) {
    return (source & 0xFFFF_FFFFL) + (destination & 0xFFFF_FFFFL) + protocol + length;
  }

  /** Folds {@code sum} to 16 bits and complements it: the value to store in a checksum field. */
  public static short finish(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (short) ~sum;
  }

  /** Stores a checksum in network order. */
  public static void store(MemorySegment data, long offset, short checksum) {
    data.set(SHORT_BE, offset, checksum);
  }
}
