package dev.simgate.lab;

/**
 * A VPG peer (or whoever sends as one) pushing IPv6 through the tunnel: a router advertisement for 2001:db8:1::/64
 * with autonomous addressing, a frame of another EtherType (LLDP) and a VLAN-tagged IPv4 frame, each as a VXLAN
 * datagram (VNI 10) to the node's outer address (argv[1]).
 */
final class RouterAdvertisement {
  static final String SENDER = """
      import socket, struct, sys
      def checksum(data):
          if len(data) % 2:
              data += b"\\0"
          total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
          while total >> 16:
              total = (total & 0xFFFF) + (total >> 16)
          return ~total & 0xFFFF
      source = bytes.fromhex("fe800000000000000000000000000001")
      destination = bytes.fromhex("ff020000000000000000000000000001")
      prefix = struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 86400, 14400, 0) + bytes.fromhex("20010db8000100000000000000000000")
      body = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0) + prefix
      pseudo = source + destination + struct.pack("!I3xB", len(body), 58)
      body = body[:2] + struct.pack("!H", checksum(pseudo + body)) + body[4:]
      ipv6 = struct.pack("!IHBB", 6 << 28, len(body), 58, 255) + source + destination + body
      mac = bytes.fromhex("020000000a01")
      frames = [bytes.fromhex("333300000001") + mac + b"\\x86\\xdd" + ipv6,
                bytes.fromhex("0180c200000e") + mac + b"\\x88\\xcc" + bytes(46),
                b"\\xff" * 6 + mac + b"\\x81\\x00\\x00\\x05\\x08\\x00" + bytes(46)]
      s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
      for frame in frames:
          s.sendto(struct.pack("!II", 0x08 << 24, 10 << 8) + frame, (sys.argv[1], 4789))
      """;

  private RouterAdvertisement() {}
}
