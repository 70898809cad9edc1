package dev.simgate.agent.forward;

import dev.simgate.agent.sys.Libc;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A TAP in memory: frames queued for the agent to read, frames it wrote; each with its virtio_net_hdr. */
final class FakeTap implements TapPort {
  static final int EBADF = 9;

  final Deque<byte[]> toRead = new ArrayDeque<>();
  final List<byte[]> written = new ArrayList<>();
  /** The interface was deleted: every read fails with EBADF. */
  boolean gone;
  private int error;

  @Override
  public long read(long address, long length) {
    if (gone || toRead.isEmpty()) {
      error = gone ? EBADF : Libc.EAGAIN;
      return -1;
    }
    byte[] frame = toRead.poll();
    int copied = (int) Math.min(length, frame.length);
    MemorySegment.copy(frame, 0, MemorySegment.ofAddress(address).reinterpret(length), ValueLayout.JAVA_BYTE, 0, copied);
    return copied;
  }

  @Override
  public long write(long address, long length) {
    written.add(MemorySegment.ofAddress(address).reinterpret(length).toArray(ValueLayout.JAVA_BYTE));
    return length;
  }

  @Override
  public long writev(long iovecs, int count) {
    byte[] frame = gather(iovecs, count);
    written.add(frame);
    return frame.length;
  }

  @Override
  public int error() {
    return error;
  }

  /** The bytes of {@code count} iovecs at {@code iovecs}, one after another. */
  static byte[] gather(long iovecs, int count) {
    MemorySegment array = MemorySegment.ofAddress(iovecs).reinterpret(16L * count);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      long base = array.get(ValueLayout.JAVA_LONG, 16L * i);
      long length = array.get(ValueLayout.JAVA_LONG, 16L * i + 8);
      bytes.writeBytes(MemorySegment.ofAddress(base).reinterpret(length).toArray(ValueLayout.JAVA_BYTE));
    }
    return bytes.toByteArray();
  }
}
