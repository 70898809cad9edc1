package dev.simgate.agent.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls the agent needs, as FFM downcalls that capture {@code errno}.
 *
 * <p>Setup calls capture {@code errno} exactly ({@link Errno}). The packet-path calls (read, write,
 * recvmmsg, sendmmsg) take raw addresses ({@code long}) and capture nothing: the JDK's capture-state
 * check allocates a segment slice per call unless the JIT happens to scalar-replace it, and the
 * path must not allocate. Where the packet path needs errno (to tell EAGAIN from other send
 * failures) it reads the thread's errno directly ({@link ThreadErrno}); a rare stale value would
 * only misfile a drop under another reason.
 */
public final class Libc {
  public static final int O_RDWR = 2;
  public static final int O_NONBLOCK = 0x800;
  public static final int O_CLOEXEC = 0x80000;
  public static final int F_GETFL = 3;
  public static final int F_SETFL = 4;
  public static final int AF_UNIX = 1;
  public static final int AF_INET = 2;
  public static final int SOCK_SEQPACKET = 5;
  public static final int SCM_RIGHTS = 1;
  public static final int SO_RCVTIMEO = 20;
  public static final int SO_SNDTIMEO = 21;
  public static final int SHUT_RDWR = 2;
  public static final int SOCK_DGRAM = 2;
  public static final int SOCK_NONBLOCK = 0x800;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int SOL_SOCKET = 1;
  public static final int SO_SNDBUFFORCE = 32;
  public static final int SO_RCVBUFFORCE = 33;
  public static final int SOL_UDP = 17;
  public static final int UDP_SEGMENT = 103;
  public static final int MSG_DONTWAIT = 0x40;
  public static final int MSG_TRUNC = 0x20;
  public static final int MSG_CMSG_CLOEXEC = 0x40000000;
  public static final int EPERM = 1;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int EBUSY = 16;
  public static final int EINVAL = 22;
  public static final int EADDRINUSE = 98;
  public static final int ECONNREFUSED = 111;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

  private static final MethodHandle OPEN =
      downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
  private static final MethodHandle IOCTL =
      downcall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2);
  private static final MethodHandle FCNTL =
      downcall("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), 2);
  private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1);
  private static final MethodHandle READ =
      LINKER.downcallHandle(symbol("read"), FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
  private static final MethodHandle WRITE =
      LINKER.downcallHandle(symbol("write"), FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
  private static final MethodHandle WRITEV =
      LINKER.downcallHandle(symbol("writev"), FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
  private static final MethodHandle ERRNO_LOCATION =
      LINKER.downcallHandle(symbol("__errno_location"), FunctionDescriptor.of(ADDRESS));
  private static final MethodHandle SOCKET =
      downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), -1);
  private static final MethodHandle BIND =
      downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
  private static final MethodHandle LISTEN =
      downcall("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
  private static final MethodHandle ACCEPT4 =
      downcall("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), -1);
  private static final MethodHandle CONNECT =
      downcall("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
  private static final MethodHandle SENDMSG =
      downcall("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), -1);
  private static final MethodHandle RECVMSG =
      downcall("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), -1);
  private static final MethodHandle SHUTDOWN =
      downcall("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
  private static final MethodHandle GETSOCKNAME =
      downcall("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), -1);
  private static final MethodHandle SETSOCKOPT =
      downcall(
          "setsockopt",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
          -1);
  private static final MethodHandle RECVMMSG =
      LINKER.downcallHandle(
          symbol("recvmmsg"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG));
  private static final MethodHandle SENDMMSG =
      LINKER.downcallHandle(
          symbol("sendmmsg"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT));
  private static final MethodHandle STRERROR =
      LINKER.downcallHandle(
          symbol("strerror"),
          FunctionDescriptor.of(
              ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)), JAVA_INT));

  private Libc() {}

  /** Per-thread holder of the captured errno of the last call. */
  public static final class Errno {
    private final MemorySegment state = Arena.ofAuto().allocate(CAPTURE);

    public int value() {
      return (int) ERRNO.get(state, 0L);
    }

    MemorySegment segment() {
      return state;
    }
  }

  /** This thread's errno, read in place (create and use it on one thread). */
  public static final class ThreadErrno {
    private final MemorySegment location;

    public ThreadErrno() {
      try {
        location = ((MemorySegment) ERRNO_LOCATION.invokeExact()).reinterpret(4);
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
    }

    public int value() {
      return location.get(JAVA_INT, 0);
    }
  }

  public static int open(Errno e, MemorySegment path, int flags) {
    try {
      return (int) OPEN.invokeExact(e.segment(), path, flags, 0);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static int ioctl(Errno e, int fd, long request, MemorySegment arg) {
    try {
      return (int) IOCTL.invokeExact(e.segment(), fd, request, arg);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static int fcntl(Errno e, int fd, int cmd, int arg) {
    try {
      return (int) FCNTL.invokeExact(e.segment(), fd, cmd, arg);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static int close(Errno e, int fd) {
    try {
      return (int) CLOSE.invokeExact(e.segment(), fd);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static long read(int fd, long address, long length) {
    try {
      return (long) READ.invokeExact(fd, address, length);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static long write(int fd, long address, long length) {
    try {
      return (long) WRITE.invokeExact(fd, address, length);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  /** writev(2); {@code iovecs} is the address of an iovec array. */
  public static long writev(int fd, long iovecs, int count) {
    try {
      return (long) WRITEV.invokeExact(fd, iovecs, count);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static int socket(Errno e, int domain, int type, int protocol) {
    try {
      return (int) SOCKET.invokeExact(e.segment(), domain, type, protocol);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static int bind(Errno e, int fd, MemorySegment sockaddr, int length) {
    try {
      return (int) BIND.invokeExact(e.segment(), fd, sockaddr, length);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static int setsockopt(Errno e, int fd, int level, int option, MemorySegment value, int length) {
    try {
      return (int) SETSOCKOPT.invokeExact(e.segment(), fd, level, option, value, length);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static int listen(Errno e, int fd, int backlog) {
    try {
      return (int) LISTEN.invokeExact(e.segment(), fd, backlog);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  /** accept4(2) without the peer's address. */
  public static int accept4(Errno e, int fd, int flags) {
    try {
      return (int) ACCEPT4.invokeExact(e.segment(), fd, MemorySegment.NULL, MemorySegment.NULL, flags);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static int connect(Errno e, int fd, MemorySegment sockaddr, int length) {
    try {
      return (int) CONNECT.invokeExact(e.segment(), fd, sockaddr, length);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static long sendmsg(Errno e, int fd, MemorySegment msghdr, int flags) {
    try {
      return (long) SENDMSG.invokeExact(e.segment(), fd, msghdr, flags);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static long recvmsg(Errno e, int fd, MemorySegment msghdr, int flags) {
    try {
      return (long) RECVMSG.invokeExact(e.segment(), fd, msghdr, flags);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static int shutdown(Errno e, int fd, int how) {
    try {
      return (int) SHUTDOWN.invokeExact(e.segment(), fd, how);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  /** getsockname(2) into {@code sockaddr} ({@code lengthIn} bytes of room, the length written to {@code length}). */
  public static int getsockname(Errno e, int fd, MemorySegment sockaddr, MemorySegment length) {
    try {
      return (int) GETSOCKNAME.invokeExact(e.segment(), fd, sockaddr, length);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  /** recvmmsg(2) with no timeout; {@code vec} is the address of an mmsghdr array. */
  public static int recvmmsg(int fd, long vec, int count, int flags) {
    try {
      return (int) RECVMMSG.invokeExact(fd, vec, count, flags, 0L);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  public static int sendmmsg(int fd, long vec, int count, int flags) {
    try {
      return (int) SENDMMSG.invokeExact(fd, vec, count, flags);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  /** The C library's text for an errno value, for error messages (not for the packet path). */
  public static String strerror(int errno) {
    try {
      MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
      return text.getString(0) + " (errno " + errno + ")";
    } catch (Throwable t) {
      return "errno " + errno;
    }
  }

  /** A downcall that captures errno; {@code firstVariadic} is the index of the first variadic argument, or -1. */
  private static MethodHandle downcall(String name, FunctionDescriptor descriptor, int firstVariadic) {
    return firstVariadic >= 0
        ? LINKER.downcallHandle(symbol(name), descriptor, Linker.Option.firstVariadicArg(firstVariadic), CAPTURE_ERRNO)
        : LINKER.downcallHandle(symbol(name), descriptor, CAPTURE_ERRNO);
  }

  private static MemorySegment symbol(String name) {
    return LINKER.defaultLookup().find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name));
  }
}
