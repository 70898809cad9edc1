package dev.simgate.agent.forward;

import dev.simgate.agent.offload.TcpFrames;
import dev.simgate.agent.offload.VirtioNetHeader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Frames and datagrams as the TAP and the VPG peers hand them to the packet path, for the forward tests. */
final class TestFrames {
  private TestFrames() {}

  /** An Ethernet frame (IPv4 EtherType) with {@code payload} bytes of a counting pattern. */
  static byte[] frame(long destination, long source, int payload) {
    ByteBuffer frame = ByteBuffer.allocate(14 + payload);
    frame.putShort((short) (destination >>> 32)).putInt((int) destination);
    frame.putShort((short) (source >>> 32)).putInt((int) source);
    frame.putShort((short) 0x0800);
    for (int i = 0; i < payload; i++) {
      frame.put((byte) i);
    }
    return frame.array();
  }

  static byte[] vxlan(int vni, byte[] frame) {
    return ByteBuffer.allocate(8 + frame.length).putInt(0x08 << 24).putInt(vni << 8).put(frame).array();
  }

  static int vni(byte[] datagram) {
    return ByteBuffer.wrap(datagram).getInt(4) >>> 8;
  }

  /** A frame as the TAP hands it over without offloads. */
  static byte[] plain(byte[] frame) {
    return ByteBuffer.allocate(10 + frame.length).put(new byte[10]).put(frame).array();
  }

  /** A TSO super-frame as the TAP hands it over: GSO TCPv4, partial checksum from the TCP header. */
  static byte[] tso(byte[] frame, int mss) {
    ByteBuffer header = ByteBuffer.allocate(10 + frame.length).order(ByteOrder.nativeOrder());
    header.put((byte) VirtioNetHeader.F_NEEDS_CSUM).put((byte) VirtioNetHeader.GSO_TCPV4)
        .putShort((short) TcpFrames.HEADERS).putShort((short) mss).putShort((short) (TcpFrames.ETH + TcpFrames.IP))
        .putShort((short) 16);
    return header.put(frame).array();
  }

  /** An Ethernet frame of another EtherType (IPv6 0x86dd, a VLAN tag 0x8100, ...) with {@code payload} bytes. */
  static byte[] frame(long destination, long source, int etherType, int payload) {
    byte[] frame = frame(destination, source, payload);
    ByteBuffer.wrap(frame).putShort(12, (short) etherType);
    return frame;
  }

  /** An ARP frame for IPv4 over Ethernet: operation 1 (request) or 2 (reply). */
  static byte[] arp(int operation, long destination, long senderMac, int senderIp, long targetMac, int targetIp) {
    ByteBuffer frame = ByteBuffer.allocate(14 + 28);
    frame.putShort((short) (destination >>> 32)).putInt((int) destination);
    frame.putShort((short) (senderMac >>> 32)).putInt((int) senderMac);
    frame.putShort((short) 0x0806);
    frame.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) operation);
    frame.putShort((short) (senderMac >>> 32)).putInt((int) senderMac).putInt(senderIp);
    frame.putShort((short) (targetMac >>> 32)).putInt((int) targetMac).putInt(targetIp);
    return frame.array();
  }
}
