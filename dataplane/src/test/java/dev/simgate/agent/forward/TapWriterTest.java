package dev.simgate.agent.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simgate.agent.offload.TcpSegmenter;
import dev.simgate.agent.sys.Libc;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reaches the TAP, byte for byte: the writer's output goes to a plain file (a TAP takes one
 * frame per write; the file keeps them in order), for a receive batch that interleaves two runs of
 * one TCP flow with a frame of something else.
 */
class TapWriterTest {
  private static final int SLOT = 2048;
  private static final int MSS = 1000;
  private static final int HEADERS = 14 + 20 + 20;

  @TempDir Path dir;

  /** Option-less TCP segments of one flow from a super-frame, cut by the agent's segmenter. */
  private static byte[][] segments(int count) {
    byte[] payload = new byte[count * MSS];
    new Random(count).nextBytes(payload);
    ByteBuffer frame = ByteBuffer.allocate(HEADERS + payload.length);
    frame.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2}).putShort((short) 0x0800)
        .put((byte) 0x45).put((byte) 0).putShort((short) (20 + 20 + payload.length)).putShort((short) 7)
        .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0)
        .putInt(0x0A800101).putInt(0x0A80FFFE)
        .putShort((short) 5201).putShort((short) 40000).putInt(77).putInt(99)
        .put((byte) 0x50).put((byte) 0x10).putShort((short) 500).putShort((short) 0).putShort((short) 0)
        .put(payload);
    MemorySegment in = MemorySegment.ofArray(frame.array());
    byte[][] out = new byte[count][];
    for (int i = 0; i < count; i++) {
      byte[] segment = new byte[HEADERS + MSS];
      TcpSegmenter.writeHeaders(in, 0, frame.capacity(), HEADERS, MSS, i, MemorySegment.ofArray(segment), 0);
      System.arraycopy(frame.array(), HEADERS + i * MSS, segment, HEADERS, MSS);
      out[i] = segment;
    }
    return out;
  }

  @Test
  void consecutiveSegmentsOfAFlowLeaveAsOneSuperFrameAndEverythingElseAsItIs() throws Exception {
    byte[][] tcp = segments(5);
    byte[] other = new byte[60]; // an ARP-sized frame of another kind
    other[12] = 0x08;
    other[13] = 0x06;
    byte[][] batch = {tcp[0], tcp[1], tcp[2], other, tcp[3], tcp[4]};

    Path file = Files.createFile(dir.resolve("tap"));
    try (Arena arena = Arena.ofConfined()) {
      int fd = Libc.open(new Libc.Errno(), arena.allocateFrom(file.toString()), Libc.O_RDWR);
      assertThat(fd).isNotNegative();
      MemorySegment slots = arena.allocate((long) SLOT * batch.length);
      TapWriter writer = new TapWriter(new LinuxTapPort(fd), slots, 64, arena);
      int lost = 0;
      for (int i = 0; i < batch.length; i++) {
        long frame = (long) i * SLOT + 10; // room for the virtio_net_hdr before each frame
        MemorySegment.copy(MemorySegment.ofArray(batch[i]), 0, slots, frame, batch[i].length);
        lost += writer.offer(frame, batch[i].length);
      }
      lost += writer.flush();
      Libc.close(new Libc.Errno(), fd);
      assertThat(lost).isZero();
      assertThat(writer.coalesced()).as("segments merged into an earlier write").isEqualTo(3);
    }

    ByteBuffer written = ByteBuffer.wrap(Files.readAllBytes(file));
    expectSuperFrame(written, tcp[0], tcp[1], tcp[2]);
    expectAlone(written, other);
    expectSuperFrame(written, tcp[3], tcp[4]);
    assertThat(written.remaining()).isZero();
  }

  private static void expectAlone(ByteBuffer written, byte[] frame) {
    assertThat(take(written, 10)).as("virtio_net_hdr: complete frame, no offloads").isEqualTo(new byte[10]);
    assertThat(take(written, frame.length)).isEqualTo(frame);
  }

  private static void expectSuperFrame(ByteBuffer written, byte[]... parts) {
    MemorySegment virtio = MemorySegment.ofArray(take(written, 10));
    assertThat(virtio.get(ValueLayout.JAVA_BYTE, 1)).as("GSO TCPv4").isEqualTo((byte) 1);
    assertThat(virtio.get(ValueLayout.JAVA_SHORT_UNALIGNED, 4)).as("gso_size").isEqualTo((short) MSS);
    byte[] headers = take(written, HEADERS);
    assertThat(ByteBuffer.wrap(headers).getShort(14 + 2)).as("IPv4 total length")
        .isEqualTo((short) (20 + 20 + parts.length * MSS));
    assertThat(ByteBuffer.wrap(headers).getInt(14 + 20 + 4)).as("first sequence number")
        .isEqualTo(ByteBuffer.wrap(parts[0]).getInt(14 + 20 + 4));
    ByteArrayOutputStream payloads = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      payloads.writeBytes(Arrays.copyOfRange(part, HEADERS, part.length));
    }
    assertThat(take(written, parts.length * MSS)).as("payloads in order").isEqualTo(payloads.toByteArray());
  }

  private static byte[] take(ByteBuffer buffer, int length) {
    byte[] bytes = new byte[length];
    buffer.get(bytes);
    return bytes;
  }
}
