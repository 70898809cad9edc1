package dev.simgate.agent.packet;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Sizes, field values and byte orders of the Ethernet, IPv4, TCP and UDP headers (ARP's are in {@link Arp}) the agent reads and writes: the one
 * place for them. (VXLAN's and virtio_net_hdr's belong to their codecs, {@code VxlanHeader} and
 * {@code VirtioNetHeader}.)
 */
public final class Headers {
  /** Network byte order, at any alignment: header fields sit at odd offsets of a frame. */
  public static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  public static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  /** Destination, source, EtherType (untagged). */
  public static final int ETHERNET = 14;
  /** Offset of the EtherType in an untagged Ethernet header. */
  public static final int ETHERTYPE = 12;
  public static final int ETHERTYPE_IPV4 = 0x0800;
  public static final int ETHERTYPE_ARP = 0x0806;

  public static final int IPV4_MIN = 20;
  public static final int IPV4_MAX = 60;
  /** The total length field bounds an IPv4 packet. */
  public static final int IPV4_MAX_PACKET = 65_535;
  /** Flags and fragment offset without DF: non-zero for a fragment. */
  public static final int IPV4_MORE_FRAGMENTS_AND_OFFSET = 0x3FFF;
  public static final int PROTOCOL_TCP = 6;

  public static final int TCP_MIN = 20;
  public static final int TCP_MAX = 60;
  /** Offset of the checksum field in the TCP header. */
  public static final int TCP_CHECKSUM = 16;
  public static final int TCP_FIN = 0x01;
  public static final int TCP_PSH = 0x08;
  public static final int TCP_ACK = 0x10;
  public static final int TCP_CWR = 0x80;

  public static final int UDP = 8;

  private Headers() {}
}
