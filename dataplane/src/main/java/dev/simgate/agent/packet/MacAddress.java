package dev.simgate.agent.packet;

import static dev.simgate.agent.packet.Headers.INT_BE;
import static dev.simgate.agent.packet.Headers.SHORT_BE;

import java.lang.foreign.MemorySegment;

/** Ethernet MAC addresses as 48-bit longs, read straight from frames without allocating. */
public final class MacAddress {
  public static final int LENGTH = 6;

  private MacAddress() {}

  /** The 6 bytes at {@code offset} as a long (first byte most significant). */
  public static long read(MemorySegment frame, long offset) {
    return ((frame.get(SHORT_BE, offset) & 0xFFFFL) << 32) | (frame.get(INT_BE, offset + 2) & 0xFFFF_FFFFL);
  }

  /** Group (multicast or broadcast) addresses have the low bit of the first byte set. */
  public static boolean isGroup(long mac) {
    return (mac & 0x0100_0000_0000L) != 0;
  }

  public static long parse(String text) {
    String[] parts = text.trim().split(":");
    if (parts.length != 6) {
      throw new IllegalArgumentException("not a MAC address: " + text);
    }
    long mac = 0;
    for (String part : parts) {
      mac = (mac << 8) | Integer.parseInt(part, 16);
    }
    return mac;
  }

  public static String format(long mac) {
    StringBuilder text = new StringBuilder(17);
    for (int shift = 40; shift >= 0; shift -= 8) {
      if (text.length() > 0) {
        text.append(':');
      }
      text.append(String.format("%02x", (mac >>> shift) & 0xFF));
    }
    return text.toString();
  }
}
