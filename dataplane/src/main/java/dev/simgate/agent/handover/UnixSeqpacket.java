package dev.simgate.agent.handover;

import dev.simgate.agent.sys.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A Unix SOCK_SEQPACKET socket in the abstract namespace (FFM): short text messages whose boundaries are kept, each
 * optionally carrying file descriptors (SCM_RIGHTS). The abstract namespace belongs to the network namespace, so two
 * agents on one node's host network find each other with no file system shared between their pods, and the name
 * disappears with the process. Blocking calls, off the event loop.
 */
public final class UnixSeqpacket implements AutoCloseable {
  static final int MAX_MESSAGE = 512;
  private static final int MSGHDR = 56;
  private static final int CMSG_HEADER = 16;
  private static final int MAX_FDS = 4;

  private final int fd;
  private boolean closed;

  private UnixSeqpacket(int fd) {
    this.fd = fd;
  }

  /** Listens on the abstract name; fails with EADDRINUSE when another process does. */
  public static UnixSeqpacket listen(String name) throws IOException {
    UnixSeqpacket socket = open();
    try (Arena arena = Arena.ofConfined()) {
      var errno = new Libc.Errno();
      MemorySegment address = address(arena, name);
      if (Libc.bind(errno, socket.fd, address, (int) address.byteSize()) < 0
          || Libc.listen(errno, socket.fd, 4) < 0) {
        throw new SocketError("listen @" + name, errno.value());
      }
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Connects to the abstract name; fails with ECONNREFUSED when nobody listens. */
  public static UnixSeqpacket connect(String name, Duration timeout) throws IOException {
    UnixSeqpacket socket = open();
    try (Arena arena = Arena.ofConfined()) {
      var errno = new Libc.Errno();
      MemorySegment address = address(arena, name);
      if (Libc.connect(errno, socket.fd, address, (int) address.byteSize()) < 0) {
        throw new SocketError("connect @" + name, errno.value());
      }
      socket.timeout(timeout);
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Waits for the next peer; fails once {@link #close()} was called from another thread. */
  public UnixSeqpacket accept(Duration timeout) throws IOException {
    var errno = new Libc.Errno();
    int peer = Libc.accept4(errno, fd, Libc.SOCK_CLOEXEC);
    if (peer < 0) {
      throw new SocketError("accept", errno.value());
    }
    UnixSeqpacket socket = new UnixSeqpacket(peer);
    socket.timeout(timeout);
    return socket;
  }

  /** Sends one message, with these descriptors attached (duplicated into the receiver). */
  public void send(String text, int... fds) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
      MemorySegment iov = arena.allocate(16, 8);
      iov.set(ValueLayout.JAVA_LONG, 0, data.address());
      iov.set(ValueLayout.JAVA_LONG, 8, bytes.length);
      MemorySegment msg = arena.allocate(MSGHDR, 8);
      msg.set(ValueLayout.JAVA_LONG, 16, iov.address());
      msg.set(ValueLayout.JAVA_LONG, 24, 1);
      if (fds.length > 0) {
        int length = CMSG_HEADER + 4 * fds.length;
        MemorySegment control = arena.allocate((length + 7) & ~7, 8);
        control.set(ValueLayout.JAVA_LONG, 0, length);
        control.set(ValueLayout.JAVA_INT, 8, Libc.SOL_SOCKET);
        control.set(ValueLayout.JAVA_INT, 12, Libc.SCM_RIGHTS);
        for (int i = 0; i < fds.length; i++) {
          control.set(ValueLayout.JAVA_INT, CMSG_HEADER + 4L * i, fds[i]);
        }
        msg.set(ValueLayout.JAVA_LONG, 32, control.address());
        msg.set(ValueLayout.JAVA_LONG, 40, control.byteSize());
      }
      var errno = new Libc.Errno();
      if (Libc.sendmsg(errno, fd, msg, 0) < 0) {
        throw new SocketError("sendmsg", errno.value());
      }
    }
  }

  /** A received message and the descriptors that came with it (now ours to close). */
  public record Message(String text, int[] fds) {}

  public Message receive() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment data = arena.allocate(MAX_MESSAGE);
      MemorySegment iov = arena.allocate(16, 8);
      iov.set(ValueLayout.JAVA_LONG, 0, data.address());
      iov.set(ValueLayout.JAVA_LONG, 8, MAX_MESSAGE);
      MemorySegment control = arena.allocate(CMSG_HEADER + 4 * MAX_FDS, 8);
      MemorySegment msg = arena.allocate(MSGHDR, 8);
      msg.set(ValueLayout.JAVA_LONG, 16, iov.address());
      msg.set(ValueLayout.JAVA_LONG, 24, 1);
      msg.set(ValueLayout.JAVA_LONG, 32, control.address());
      msg.set(ValueLayout.JAVA_LONG, 40, control.byteSize());
      var errno = new Libc.Errno();
      long length = Libc.recvmsg(errno, fd, msg, Libc.MSG_CMSG_CLOEXEC);
      if (length < 0) {
        throw new SocketError("recvmsg", errno.value());
      }
      if (length == 0) {
        throw new IOException("the peer hung up");
      }
      long controlLength = msg.get(ValueLayout.JAVA_LONG, 40);
      int[] fds = new int[0];
      if (controlLength >= CMSG_HEADER && control.get(ValueLayout.JAVA_INT, 8) == Libc.SOL_SOCKET
          && control.get(ValueLayout.JAVA_INT, 12) == Libc.SCM_RIGHTS) {
        fds = new int[(int) (control.get(ValueLayout.JAVA_LONG, 0) - CMSG_HEADER) / 4];
        for (int i = 0; i < fds.length; i++) {
          fds[i] = control.get(ValueLayout.JAVA_INT, CMSG_HEADER + 4L * i);
        }
      }
      return new Message(new String(data.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8),
          fds);
    }
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  /** Unblocks a thread in {@link #accept} or {@link #receive}, then closes. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      var errno = new Libc.Errno();
      Libc.shutdown(errno, fd, Libc.SHUT_RDWR);
      Libc.close(errno, fd);
    }
  }

  private static UnixSeqpacket open() throws IOException {
    var errno = new Libc.Errno();
    int fd = Libc.socket(errno, Libc.AF_UNIX, Libc.SOCK_SEQPACKET | Libc.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw new SocketError("socket(AF_UNIX)", errno.value());
    }
    return new UnixSeqpacket(fd);
  }

  private void timeout(Duration timeout) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment timeval = arena.allocate(16, 8);
      timeval.set(ValueLayout.JAVA_LONG, 0, timeout.toSeconds());
      timeval.set(ValueLayout.JAVA_LONG, 8, timeout.toMillisPart() * 1000L);
      var errno = new Libc.Errno();
      if (Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeval, 16) < 0
          || Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_SNDTIMEO, timeval, 16) < 0) {
        throw new SocketError("setsockopt timeout", errno.value());
      }
    }
  }

  /** sockaddr_un in the abstract namespace: a NUL, then the name (no terminator). */
  private static MemorySegment address(Arena arena, String name) {
    byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
    MemorySegment address = arena.allocate(2 + 1 + bytes.length, 2);
    address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_UNIX);
    MemorySegment.copy(bytes, 0, address, ValueLayout.JAVA_BYTE, 3, bytes.length);
    return address;
  }

  /** A failed call, with its errno. */
  public static final class SocketError extends IOException {
    public final int errno;

    SocketError(String call, int errno) {
      super(call + ": " + Libc.strerror(errno));
      this.errno = errno;
    }
  }
}
