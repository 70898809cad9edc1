package dev.simgate.agent.udp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A preallocated {@code struct mmsghdr[]} for recvmmsg/sendmmsg (x86-64 layout), each message with
 * one iovec and an IPv4 sockaddr. Filling and reading entries never allocates.
 */
public final class MessageVector {
  /** sizeof(struct mmsghdr): msghdr (56) + msg_len (4) + padding (4). */
  public static final int ENTRY = 64;
  private static final int NAME = 0;
  private static final int NAME_LEN = 8;
  private static final int IOV = 16;
  private static final int IOV_LEN = 24;
  private static final int CONTROL = 32;
  private static final int CONTROL_LEN = 40;
  private static final int FLAGS = 48;
  private static final int MSG_LEN = 56;
  /** sizeof(struct iovec). */
  public static final int IOVEC = 16;

  private final MemorySegment headers;
  private final int capacity;

  public MessageVector(Arena arena, int capacity) {
    this.headers = arena.allocate((long) ENTRY * capacity, 8);
    this.capacity = capacity;
  }

  public int capacity() {
    return capacity;
  }

  /** Address of entry {@code index}, to pass to recvmmsg/sendmmsg. */
  public long address(int index) {
    return headers.address() + (long) index * ENTRY;
  }

  /** Points entry {@code index} at a sockaddr_in and a single iovec. */
  public void set(int index, long sockaddr, long iovec) {
    set(index, sockaddr, iovec, 1, 0L, 0);
  }

  /**
   * Points entry {@code index} at a sockaddr_in, {@code iovecs} consecutive iovecs and (when
   * {@code controlLength > 0}) ancillary data such as {@link UdpSegment}.
   */
  public void set(int index, long sockaddr, long iovec, int iovecs, long control, int controlLength) {
    long at = (long) index * ENTRY;
    headers.set(ValueLayout.JAVA_LONG, at + NAME, sockaddr);
    headers.set(ValueLayout.JAVA_INT, at + NAME_LEN, SockaddrIn.SIZE);
    headers.set(ValueLayout.JAVA_LONG, at + IOV, iovec);
    headers.set(ValueLayout.JAVA_LONG, at + IOV_LEN, iovecs);
    headers.set(ValueLayout.JAVA_LONG, at + CONTROL, control);
    headers.set(ValueLayout.JAVA_LONG, at + CONTROL_LEN, controlLength);
  }

  /** recvmmsg shortens msg_namelen to what it wrote; restore it before the next receive. */
  public void resetNameLength(int index) {
    headers.set(ValueLayout.JAVA_INT, (long) index * ENTRY + NAME_LEN, SockaddrIn.SIZE);
  }

  /** Bytes received into entry {@code index} (msg_len). */
  public int length(int index) {
    return headers.get(ValueLayout.JAVA_INT, (long) index * ENTRY + MSG_LEN);
  }

  /** msg_flags of entry {@code index} after a receive (e.g. MSG_TRUNC). */
  public int flags(int index) {
    return headers.get(ValueLayout.JAVA_INT, (long) index * ENTRY + FLAGS);
  }

  /**
   * The fields of the mmsghdr at native address {@code entry}, for code that plays the kernel's part (the packet
   * path's tests): where its sockaddr, iovecs and control message are, and where the kernel reports back.
   */
  public record Entry(MemorySegment header) {
    public static Entry at(long entry) {
      return new Entry(MemorySegment.ofAddress(entry).reinterpret(ENTRY));
    }

    public long name() {
      return header.get(ValueLayout.JAVA_LONG, NAME);
    }

    public long iovecs() {
      return header.get(ValueLayout.JAVA_LONG, IOV);
    }

    public int iovecCount() {
      return (int) header.get(ValueLayout.JAVA_LONG, IOV_LEN);
    }

    public long control() {
      return header.get(ValueLayout.JAVA_LONG, CONTROL);
    }

    public int controlLength() {
      return (int) header.get(ValueLayout.JAVA_LONG, CONTROL_LEN);
    }

    /** What recvmmsg writes back: bytes received and msg_flags. */
    public void received(int length, int flags) {
      header.set(ValueLayout.JAVA_INT, MSG_LEN, length);
      header.set(ValueLayout.JAVA_INT, FLAGS, flags);
    }
  }

  /** Writes iovec {@code index} of the array {@code iovecs}. */
  public static void setIovec(MemorySegment iovecs, int index, long base, long length) {
    iovecs.set(ValueLayout.JAVA_LONG, (long) index * IOVEC, base);
    iovecs.set(ValueLayout.JAVA_LONG, (long) index * IOVEC + 8, length);
  }
}
