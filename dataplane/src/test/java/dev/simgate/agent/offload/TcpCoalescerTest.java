package dev.simgate.agent.offload;

import static dev.simgate.agent.offload.TcpFrames.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class TcpCoalescerTest {
  private static final int MSS = 1448;

  /** The wire segments of a super-frame, cut by the agent's own segmenter (checksums complete). */
  private static byte[][] wireSegments(byte[] superFrame) {
    MemorySegment in = MemorySegment.ofArray(superFrame);
    int headers = TcpSegmenter.headerLength(in, 0, superFrame.length, ETH + IP);
    int count = TcpSegmenter.segmentCount(superFrame.length - headers, MSS);
    byte[][] frames = new byte[count][];
    for (int i = 0; i < count; i++) {
      byte[] frame = new byte[headers + MSS];
      int payload = TcpSegmenter.writeHeaders(in, 0, superFrame.length, headers, MSS, i, MemorySegment.ofArray(frame), 0);
      System.arraycopy(superFrame, headers + i * MSS, frame, headers, payload);
      frames[i] = Arrays.copyOf(frame, headers + payload);
    }
    return frames;
  }

  private static byte[][] stream(int payloadBytes, int sequence, int flags) {
    byte[] payload = new byte[payloadBytes];
    new Random(payloadBytes).nextBytes(payload);
    return wireSegments(superFrame(payload, sequence, 0x1000, flags));
  }

  private static MemorySegment at(byte[] frame) {
    return MemorySegment.ofArray(frame);
  }

  /** A copy of {@code frame} changed by {@code edit} (a ByteBuffer over the frame), with both checksums redone. */
  private static byte[] edited(byte[] frame, Consumer<ByteBuffer> edit) {
    byte[] copy = frame.clone();
    edit.accept(ByteBuffer.wrap(copy));
    fixChecksums(copy);
    return copy;
  }

  private static void fixChecksums(byte[] frame) {
    ByteBuffer b = ByteBuffer.wrap(frame);
    int ipHeader = (frame[ETH] & 0x0F) * 4;
    b.putShort(ETH + 10, (short) 0);
    b.putShort(ETH + 10, (short) reference(Arrays.copyOfRange(frame, ETH, ETH + ipHeader)));
    int tcp = ETH + ipHeader;
    b.putShort(tcp + 16, (short) 0);
    b.putShort(tcp + 16, (short) reference(pseudoHeader(b.getInt(ETH + 12), b.getInt(ETH + 16), 6, frame.length - tcp),
        Arrays.copyOfRange(frame, tcp, frame.length)));
  }

  @Test
  void segmentsOfOneFlowCoalesceBackIntoTheSuperFrame() {
    int sequence = 0xFFFF_F800; // wraps inside the stream
    byte[][] wire = stream(4000, sequence, ACK | PSH);
    assertThat(wire.length).isEqualTo(3);
    int expected = sequence;
    for (int i = 0; i < wire.length; i++) {
      assertThat(TcpCoalescer.headerLength(at(wire[i]), 0, wire[i].length)).as("segment %d", i).isEqualTo(HEADERS);
      assertThat(TcpCoalescer.sequence(at(wire[i]), 0)).isEqualTo(expected);
      expected += wire[i].length - HEADERS;
    }
    // The segmenter put PSH on the last segment only: the first two continue the flow, the last closes it.
    assertThat(TcpCoalescer.push(at(wire[0]), 0)).isFalse();
    assertThat(TcpCoalescer.push(at(wire[2]), 0)).isTrue();
    MemorySegment both = MemorySegment.ofArray(concat(wire[0], wire[2]));
    assertThat(TcpCoalescer.continues(both, 0, HEADERS, wire[0].length, sequence + 2 * MSS)).as("PSH aside").isTrue();
    MemorySegment pair = MemorySegment.ofArray(concat(wire[0], wire[1]));
    assertThat(TcpCoalescer.continues(pair, 0, HEADERS, wire[0].length, sequence + MSS)).isTrue();

    // Headers of the first frame after a 10-byte virtio_net_hdr, as in a receive slot.
    byte[] slot = new byte[10 + HEADERS];
    System.arraycopy(wire[0], 0, slot, 10, HEADERS);
    TcpCoalescer.finish(MemorySegment.ofArray(slot), 0, 10, HEADERS, 4000, MSS, true);

    ByteBuffer ip = ByteBuffer.wrap(slot, 10 + ETH, IP).slice();
    assertThat(ip.getShort(2) & 0xFFFF).as("IPv4 total length").isEqualTo(IP + TCP + 4000);
    assertThat(reference(Arrays.copyOfRange(slot, 10 + ETH, 10 + ETH + IP))).as("IPv4 header checksum").isZero();
    ByteBuffer tcp = ByteBuffer.wrap(slot, 10 + ETH + IP, TCP).slice();
    assertThat(tcp.getInt(4)).as("first sequence number").isEqualTo(sequence);
    assertThat(tcp.get(13) & 0xFF).as("flags").isEqualTo(ACK | PSH);
    assertThat(tcp.getShort(16) & 0xFFFF).as("pseudo-header sum, left for the host to complete")
        .isEqualTo(~reference(pseudoHeader(SOURCE, DESTINATION, 6, TCP + 4000)) & 0xFFFF);
    ByteBuffer virtio = ByteBuffer.wrap(slot, 0, 10).order(ByteOrder.nativeOrder());
    assertThat(virtio.get(0)).as("NEEDS_CSUM").isEqualTo((byte) 1);
    assertThat(virtio.get(1)).as("GSO_TCPV4").isEqualTo((byte) 1);
    assertThat(virtio.getShort(2)).as("hdr_len").isEqualTo((short) HEADERS);
    assertThat(virtio.getShort(4)).as("gso_size").isEqualTo((short) MSS);
    assertThat(virtio.getShort(6)).as("csum_start").isEqualTo((short) (ETH + IP));
    assertThat(virtio.getShort(8)).as("csum_offset").isEqualTo((short) 16);
  }

  @Test
  void refusesWhatTheHostMustSeeAlone() {
    byte[] good = stream(3000, 1000, ACK)[0];
    assertThat(TcpCoalescer.headerLength(at(good), 0, good.length)).isEqualTo(HEADERS);

    byte[] corrupt = good.clone();
    corrupt[HEADERS + 5] ^= 1;
    assertThat(TcpCoalescer.headerLength(at(corrupt), 0, corrupt.length)).as("bad TCP checksum").isEqualTo(-1);
    byte[] badIp = good.clone();
    badIp[ETH + 8] = 63; // TTL changed, IP checksum not redone
    assertThat(TcpCoalescer.headerLength(at(badIp), 0, badIp.length)).as("bad IPv4 checksum").isEqualTo(-1);
    for (int flag : new int[] {0x01, 0x02, 0x04, 0x20, 0x40, 0x80}) { // FIN SYN RST URG ECE CWR
      byte[] flagged = edited(good, b -> b.put(ETH + IP + 13, (byte) (ACK | flag)));
      assertThat(TcpCoalescer.headerLength(at(flagged), 0, flagged.length)).as("flag 0x%x", flag).isEqualTo(-1);
    }
    byte[] noAck = edited(good, b -> b.put(ETH + IP + 13, (byte) PSH));
    assertThat(TcpCoalescer.headerLength(at(noAck), 0, noAck.length)).as("no ACK").isEqualTo(-1);
    byte[] fragment = edited(good, b -> b.putShort(ETH + 6, (short) 0x2000));
    assertThat(TcpCoalescer.headerLength(at(fragment), 0, fragment.length)).as("more fragments").isEqualTo(-1);
    byte[] pureAck = edited(Arrays.copyOf(good, HEADERS), b -> b.putShort(ETH + 2, (short) (IP + TCP)));
    assertThat(TcpCoalescer.headerLength(at(pureAck), 0, pureAck.length)).as("no payload").isEqualTo(-1);
    byte[] padded = Arrays.copyOf(good, good.length + 4);
    assertThat(TcpCoalescer.headerLength(at(padded), 0, padded.length)).as("frame longer than the packet").isEqualTo(-1);
    byte[] udp = edited(good, b -> b.put(ETH + 9, (byte) 17));
    assertThat(TcpCoalescer.headerLength(at(udp), 0, udp.length)).as("UDP").isEqualTo(-1);
    byte[] arp = good.clone();
    arp[12] = 0x08;
    arp[13] = 0x06;
    assertThat(TcpCoalescer.headerLength(at(arp), 0, arp.length)).as("not IPv4").isEqualTo(-1);
    byte[] options = new byte[good.length + 4]; // IHL 6: a 4-byte IPv4 option (NOPs)
    System.arraycopy(good, 0, options, 0, ETH + IP);
    options[ETH] = 0x46;
    options[ETH + IP] = 1;
    options[ETH + IP + 1] = 1;
    options[ETH + IP + 2] = 1;
    options[ETH + IP + 3] = 1;
    System.arraycopy(good, ETH + IP, options, ETH + IP + 4, good.length - ETH - IP);
    ByteBuffer.wrap(options).putShort(ETH + 2, (short) (options.length - ETH));
    fixChecksums(options);
    assertThat(TcpCoalescer.headerLength(at(options), 0, options.length)).as("IPv4 options").isEqualTo(-1);
  }

  @Test
  void onlyTheNextSegmentOfTheSameFlowContinues() {
    byte[][] wire = stream(3000, 1000, ACK);
    byte[] first = wire[0];
    byte[] next = wire[1];
    int expected = 1000 + MSS;
    assertThat(continues(first, next, expected)).isTrue();
    assertThat(continues(first, next, expected + 1)).as("sequence gap").isFalse();
    assertThat(continues(first, edited(next, b -> b.putShort(ETH + IP, (short) 40001)), expected)).as("source port")
        .isFalse();
    assertThat(continues(first, edited(next, b -> b.putInt(ETH + 16, 0x0A800102)), expected)).as("destination")
        .isFalse();
    assertThat(continues(first, edited(next, b -> b.putInt(ETH + IP + 8, 0x01020305)), expected)).as("ACK number")
        .isFalse();
    assertThat(continues(first, edited(next, b -> b.putShort(ETH + IP + 14, (short) 502)), expected)).as("window")
        .isFalse();
    assertThat(continues(first, edited(next, b -> b.putInt(ETH + IP + 24, 8)), expected)).as("timestamp option")
        .isFalse();
    assertThat(continues(first, edited(next, b -> b.put(ETH + 8, (byte) 63)), expected)).as("TTL").isFalse();
    assertThat(continues(first, edited(next, b -> b.put(ETH + 1, (byte) 3)), expected)).as("TOS / ECN CE").isFalse();
    assertThat(continues(first, edited(next, b -> b.put(5, (byte) 9)), expected)).as("Ethernet destination").isFalse();
    assertThat(continues(first, edited(next, b -> b.put(ETH + IP + 13, (byte) (ACK | PSH))), expected)).as("PSH")
        .isTrue();
    assertThat(TcpCoalescer.fits(HEADERS, 65_535 - IP - TCP)).isTrue();
    assertThat(TcpCoalescer.fits(HEADERS, 65_536 - IP - TCP)).isFalse();
  }

  private static boolean continues(byte[] first, byte[] next, int expected) {
    MemorySegment both = MemorySegment.ofArray(concat(first, next));
    return TcpCoalescer.continues(both, 0, HEADERS, first.length, expected);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }
}
