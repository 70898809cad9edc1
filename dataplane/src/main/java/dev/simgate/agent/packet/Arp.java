package dev.simgate.agent.packet;

import static dev.simgate.agent.packet.Headers.INT_BE;
import static dev.simgate.agent.packet.Headers.SHORT_BE;

import java.lang.foreign.MemorySegment;

/**
 * ARP for IPv4 over Ethernet (RFC 826) in an Ethernet frame: the request the agent sends as a VPG peer probe, and the
 * tests on frames it receives or the host sends. Pure functions over a {@link MemorySegment} and the frame's offset,
 * like the other codecs; addresses are an int (IPv4, network order) and a long (MAC).
 */
public final class Arp {
  /** The ARP payload: hardware and protocol types and sizes, operation, sender and target MAC and IPv4. */
  public static final int LENGTH = 28;
  /** An Ethernet header and an ARP payload, without padding. */
  public static final int FRAME = Headers.ETHERNET + LENGTH;
  public static final int REQUEST = 1;
  public static final int REPLY = 2;
  private static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
  /** Hardware type 1 (Ethernet), protocol type 0x0800 (IPv4): the first 4 bytes of every ARP we care about. */
  private static final int ETHERNET_IPV4 = (1 << 16) | Headers.ETHERTYPE_IPV4;
  /** Hardware size 6, protocol size 4. */
  private static final short SIZES = (6 << 8) | 4;
  private static final int OPERATION = 6;
  private static final int SENDER_MAC = 8;
  private static final int SENDER_IP = 14;
  private static final int TARGET_MAC = 18;
  private static final int TARGET_IP = 24;

  private Arp() {}

  /**
   * Writes a broadcast "who has {@code target}? tell {@code senderIp}" from {@code senderMac} at {@code frame}
   * ({@link #FRAME} bytes), as the host's own stack would ask.
   */
  public static void writeRequest(MemorySegment buffer, long frame, long senderMac, int senderIp, int target) {
    writeMac(buffer, frame, BROADCAST);
    writeMac(buffer, frame + MacAddress.LENGTH, senderMac);
    buffer.set(SHORT_BE, frame + Headers.ETHERTYPE, (short) Headers.ETHERTYPE_ARP);
    long arp = frame + Headers.ETHERNET;
    buffer.set(INT_BE, arp, ETHERNET_IPV4);
    buffer.set(SHORT_BE, arp + 4, SIZES);
    buffer.set(SHORT_BE, arp + OPERATION, (short) REQUEST);
    writeMac(buffer, arp + SENDER_MAC, senderMac);
    buffer.set(INT_BE, arp + SENDER_IP, senderIp);
    writeMac(buffer, arp + TARGET_MAC, 0);
    buffer.set(INT_BE, arp + TARGET_IP, target);
  }

  /** The ARP operation of the {@code length}-byte frame at {@code frame}, or 0 when it is not IPv4-over-Ethernet ARP. */
  public static int operation(MemorySegment buffer, long frame, int length) {
    if (length < FRAME || buffer.get(SHORT_BE, frame + Headers.ETHERTYPE) != Headers.ETHERTYPE_ARP) {
      return 0;
    }
    long arp = frame + Headers.ETHERNET;
    if (buffer.get(INT_BE, arp) != ETHERNET_IPV4 || buffer.get(SHORT_BE, arp + 4) != SIZES) {
      return 0;
    }
    return Short.toUnsignedInt(buffer.get(SHORT_BE, arp + OPERATION));
  }

  /** Sender IPv4 address of the ARP frame at {@code frame} (check {@link #operation} first). */
  public static int senderIp(MemorySegment buffer, long frame) {
    return buffer.get(INT_BE, frame + Headers.ETHERNET + SENDER_IP);
  }

  /** Target IPv4 address of the ARP frame at {@code frame} (check {@link #operation} first). */
  public static int targetIp(MemorySegment buffer, long frame) {
    return buffer.get(INT_BE, frame + Headers.ETHERNET + TARGET_IP);
  }

  /** Target MAC of the ARP frame at {@code frame} (check {@link #operation} first). */
  public static long targetMac(MemorySegment buffer, long frame) {
    return MacAddress.read(buffer, frame + Headers.ETHERNET + TARGET_MAC);
  }

  private static void writeMac(MemorySegment buffer, long offset, long mac) {
    buffer.set(SHORT_BE, offset, (short) (mac >>> 32));
    buffer.set(INT_BE, offset + 2, (int) mac);
  }
}
