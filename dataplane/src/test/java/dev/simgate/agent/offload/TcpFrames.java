package dev.simgate.agent.offload;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** TCP/IPv4 frames and an independent checksum for the offload and forwarding tests. */
public final class TcpFrames {
  public static final int ETH = 14;
  public static final int IP = 20;
  public static final int TCP = 32; // 12 bytes of options (timestamps)
  public static final int HEADERS = ETH + IP + TCP;
  public static final int SOURCE = 0x0A80FFFE; // 10.128.255.254
  public static final int DESTINATION = 0x0A800101; // 10.128.1.1
  public static final int CWR = 0x80;
  public static final int ACK = 0x10;
  public static final int PSH = 0x08;
  public static final int FIN = 0x01;

  private TcpFrames() {}

  /** The textbook RFC 1071 checksum, 16 bits at a time: the independent reference. */
  static int reference(byte[]... parts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      all.writeBytes(part);
    }
    byte[] data = all.toByteArray();
    long sum = 0;
    for (int i = 0; i < data.length; i += 2) {
      int high = data[i] & 0xFF;
      int low = i + 1 < data.length ? data[i + 1] & 0xFF : 0;
      sum += (high << 8) | low;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >> 16);
    }
    return (int) (~sum & 0xFFFF);
  }

  static byte[] pseudoHeader(int source, int destination, int protocol, int length) {
    return ByteBuffer.allocate(12).putInt(source).putInt(destination).put((byte) 0).put((byte) protocol)
        .putShort((short) length).array();
  }

  /** A TSO super-frame as the host's TCP hands it over: Ethernet, IPv4, TCP with options, payload. */
  public static byte[] superFrame(byte[] payload, int sequence, int id, int flags) {
    ByteBuffer frame = ByteBuffer.allocate(HEADERS + payload.length);
    frame.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2}).putShort((short) 0x0800);
    frame.put((byte) 0x45).put((byte) 0).putShort((short) (IP + TCP + payload.length)).putShort((short) id)
        .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0x1234) // stale checksum
        .putInt(SOURCE).putInt(DESTINATION);
    frame.putShort((short) 40000).putShort((short) 5201).putInt(sequence).putInt(0x01020304)
        .put((byte) ((TCP / 4) << 4)).put((byte) flags).putShort((short) 501).putShort((short) 0xBEEF)
        .putShort((short) 0);
    frame.put(new byte[] {1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9}); // NOP NOP timestamps
    frame.put(payload);
    return frame.array();
  }
}
