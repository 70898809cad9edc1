package dev.simgate.agent.offload;

import static dev.simgate.agent.offload.TcpFrames.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TcpSegmenterTest {
  private record Segment(byte[] headers, byte[] payload) {
    ByteBuffer ip() {
      return ByteBuffer.wrap(headers, ETH, IP).slice();
    }

    ByteBuffer tcp() {
      return ByteBuffer.wrap(headers, ETH + IP, TCP).slice();
    }
  }

  private static Segment[] segment(byte[] frame, int mss) {
    MemorySegment in = MemorySegment.ofArray(frame);
    int headers = TcpSegmenter.headerLength(in, 0, frame.length, ETH + IP);
    assertThat(headers).isEqualTo(HEADERS);
    int count = TcpSegmenter.segmentCount(frame.length - headers, mss);
    Segment[] segments = new Segment[count];
    for (int i = 0; i < count; i++) {
      byte[] out = new byte[4 + headers]; // written at an offset, as into the header pool
      int payload = TcpSegmenter.writeHeaders(in, 0, frame.length, headers, mss, i, MemorySegment.ofArray(out), 4);
      byte[] copy = new byte[headers];
      System.arraycopy(out, 4, copy, 0, headers);
      byte[] data = new byte[payload];
      System.arraycopy(frame, headers + i * mss, data, 0, payload);
      segments[i] = new Segment(copy, data);
    }
    return segments;
  }

  @Test
  void cutsASuperFrameIntoSegmentsWithCorrectHeadersAndChecksums() {
    byte[] payload = new byte[4000];
    new Random(7).nextBytes(payload);
    int mss = 1448;
    int sequence = 0xFFFF_F000; // wraps during the frame
    byte[] frame = superFrame(payload, sequence, 0xFFFE, CWR | ACK | PSH | FIN);

    Segment[] segments = segment(frame, mss);

    assertThat(segments).hasSize(3);
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (int i = 0; i < segments.length; i++) {
      Segment s = segments[i];
      int length = i < 2 ? mss : 4000 - 2 * mss;
      assertThat(s.payload()).hasSize(length);
      joined.writeBytes(s.payload());
      assertThat(java.util.Arrays.copyOf(s.headers(), ETH)).isEqualTo(java.util.Arrays.copyOf(frame, ETH));

      ByteBuffer ip = s.ip();
      assertThat(ip.getShort(2) & 0xFFFF).as("IPv4 total length").isEqualTo(IP + TCP + length);
      assertThat(ip.getShort(4) & 0xFFFF).as("IPv4 id").isEqualTo((0xFFFE + i) & 0xFFFF);
      assertThat(ip.getInt(12)).isEqualTo(SOURCE);
      assertThat(ip.getInt(16)).isEqualTo(DESTINATION);
      byte[] ipHeader = java.util.Arrays.copyOfRange(s.headers(), ETH, ETH + IP);
      int storedIp = ip.getShort(10) & 0xFFFF;
      ipHeader[10] = 0;
      ipHeader[11] = 0;
      assertThat(storedIp).as("IPv4 header checksum").isEqualTo(reference(ipHeader));

      ByteBuffer tcp = s.tcp();
      assertThat(tcp.getInt(4)).as("sequence number").isEqualTo(sequence + i * mss);
      assertThat(tcp.getInt(8)).as("ack number unchanged").isEqualTo(0x01020304);
      int flags = tcp.get(13) & 0xFF;
      assertThat(flags & ACK).isEqualTo(ACK);
      assertThat((flags & CWR) != 0).as("CWR only on the first segment").isEqualTo(i == 0);
      assertThat((flags & (PSH | FIN)) != 0).as("PSH/FIN only on the last").isEqualTo(i == 2);
      assertThat((flags & PSH) != 0).isEqualTo((flags & FIN) != 0);
      byte[] tcpHeader = java.util.Arrays.copyOfRange(s.headers(), ETH + IP, HEADERS);
      assertThat(java.util.Arrays.copyOfRange(tcpHeader, 20, TCP)).as("options copied")
          .isEqualTo(java.util.Arrays.copyOfRange(frame, ETH + IP + 20, HEADERS));
      int storedTcp = tcp.getShort(16) & 0xFFFF;
      tcpHeader[16] = 0;
      tcpHeader[17] = 0;
      assertThat(storedTcp).as("TCP checksum")
          .isEqualTo(reference(pseudoHeader(SOURCE, DESTINATION, 6, TCP + length), tcpHeader, s.payload()));
    }
    assertThat(joined.toByteArray()).as("payloads in order").isEqualTo(payload);
  }

  @Test
  void segmentsOfAnOddLengthAndASingleSegmentFrame() {
    byte[] payload = new byte[1001];
    new Random(3).nextBytes(payload);
    Segment[] two = segment(superFrame(payload, 100, 1, ACK | PSH), 999);
    assertThat(two).hasSize(2);
    assertThat(two[1].payload()).hasSize(2);
    assertThat(two[1].tcp().getInt(4)).isEqualTo(100 + 999);
    for (Segment s : two) {
      byte[] tcpHeader = java.util.Arrays.copyOfRange(s.headers(), ETH + IP, HEADERS);
      int stored = ((tcpHeader[16] & 0xFF) << 8) | (tcpHeader[17] & 0xFF);
      tcpHeader[16] = 0;
      tcpHeader[17] = 0;
      assertThat(stored).isEqualTo(reference(pseudoHeader(SOURCE, DESTINATION, 6, TCP + s.payload().length),
          tcpHeader, s.payload()));
    }
    assertThat(two[0].tcp().get(13) & PSH).isZero();
    assertThat(two[1].tcp().get(13) & PSH).isEqualTo(PSH);

    Segment[] one = segment(superFrame(payload, 5, 9, ACK | PSH), 1448);
    assertThat(one).hasSize(1);
    assertThat(one[0].tcp().get(13) & 0xFF).isEqualTo(ACK | PSH);
    assertThat(one[0].ip().getShort(2)).isEqualTo((short) (IP + TCP + 1001));
  }

  @Test
  void refusesFramesThatAreNotUntaggedIpv4Tcp() {
    byte[] frame = superFrame(new byte[100], 0, 0, ACK);
    MemorySegment m = MemorySegment.ofArray(frame);
    assertThat(TcpSegmenter.headerLength(m, 0, frame.length, ETH + IP + 4)).as("csum_start elsewhere").isEqualTo(-1);
    assertThat(TcpSegmenter.headerLength(m, 0, HEADERS - 1, ETH + IP)).as("truncated TCP header").isEqualTo(-1);
    frame[ETH + 9] = 17;
    assertThat(TcpSegmenter.headerLength(m, 0, frame.length, ETH + IP)).as("UDP").isEqualTo(-1);
    frame[ETH + 9] = 6;
    frame[12] = (byte) 0x81;
    assertThat(TcpSegmenter.headerLength(m, 0, frame.length, ETH + IP)).as("VLAN tag").isEqualTo(-1);
    frame[12] = 0x08;
    frame[ETH] = 0x65;
    assertThat(TcpSegmenter.headerLength(m, 0, frame.length, ETH + IP)).as("not IPv4").isEqualTo(-1);
  }

  @Test
  void completesAPartialUdpChecksum() {
    byte[] payload = new byte[333];
    new Random(11).nextBytes(payload);
    int udpLength = 8 + payload.length;
    ByteBuffer frame = ByteBuffer.allocate(ETH + IP + udpLength);
    frame.position(ETH + IP);
    // The host stack leaves the folded (not complemented) pseudo-header sum in the field.
    int pseudo = ~reference(pseudoHeader(SOURCE, DESTINATION, 17, udpLength)) & 0xFFFF;
    frame.putShort((short) 5000).putShort((short) 6000).putShort((short) udpLength).putShort((short) pseudo);
    frame.put(payload);
    byte[] bytes = frame.array();

    assertThat(Checksum.complete(MemorySegment.ofArray(bytes), 0, bytes.length, ETH + IP, 6)).isTrue();

    byte[] udp = java.util.Arrays.copyOfRange(bytes, ETH + IP, bytes.length);
    int stored = ((udp[6] & 0xFF) << 8) | (udp[7] & 0xFF);
    udp[6] = 0;
    udp[7] = 0;
    int expected = reference(pseudoHeader(SOURCE, DESTINATION, 17, udpLength), udp);
    assertThat(stored).isEqualTo(expected == 0 ? 0xFFFF : expected);
    assertThat(Checksum.complete(MemorySegment.ofArray(bytes), 0, bytes.length, bytes.length - 1, 0))
        .as("field outside the frame").isFalse();
  }

  @Test
  void checksumMatchesTheReferenceForAnyLengthAndOffset() {
    Random random = new Random(1);
    for (int trial = 0; trial < 2000; trial++) {
      byte[] data = new byte[random.nextInt(300)];
      random.nextBytes(data);
      int offset = random.nextInt(data.length + 1);
      int length = random.nextInt(data.length - offset + 1);
      long sum = Checksum.add(MemorySegment.ofArray(data), offset, length, 0);
      assertThat(Checksum.finish(sum) & 0xFFFF)
          .isEqualTo(reference(java.util.Arrays.copyOfRange(data, offset, offset + length)));
    }
  }

  @Test
  void checksumOfWholeSuperFramesAndOfTheMostCarries() {
    Random random = new Random(2);
    byte[] ones = new byte[65_608];
    java.util.Arrays.fill(ones, (byte) 0xFF);
    byte[] noise = new byte[65_608];
    random.nextBytes(noise);
    for (byte[] data : List.of(ones, noise)) {
      for (int length : new int[] {65_535, 65_536, 65_599, 1448, 1449}) {
        int offset = random.nextInt(8);
        long sum = Checksum.add(MemorySegment.ofArray(data), offset, length, 0);
        assertThat(Checksum.finish(sum) & 0xFFFF).as("length %d at %d", length, offset)
            .isEqualTo(reference(java.util.Arrays.copyOfRange(data, offset, offset + length)));
      }
    }
  }
}
