package dev.simgate.agent.udp;

import dev.simgate.contract.net.Ipv4;
import dev.simgate.agent.sys.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The VXLAN UDP socket: non-blocking, bound to the outer address and port (also the source port), exclusively: no
 * other socket may bind them while it is open.
 */
public final class UdpSocket implements AutoCloseable {
  private static final int BUFFER_BYTES = 4 << 20;

  private final int fd;
  private final Ipv4 address;
  private final int port;
  private boolean closed;

  private UdpSocket(int fd, Ipv4 address, int port) {
    this.fd = fd;
    this.address = address;
    this.port = port;
  }

  public static UdpSocket bind(Ipv4 address, int port) throws IOException {
    var errno = new Libc.Errno();
    int fd = Libc.socket(errno, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw new IOException("socket: " + Libc.strerror(errno.value()));
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
      // No SO_REUSEADDR (nor SO_REUSEPORT): with it, any process on the host, unprivileged too, could bind the same
      // address and port and take a share of the VPG's datagrams. The port is the agent's alone.
      // Large buffers absorb bursts between event-loop wakeups; *FORCE works as root, else best effort.
      value.set(ValueLayout.JAVA_INT, 0, BUFFER_BYTES);
      Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, value, 4);
      Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_SNDBUFFORCE, value, 4);
      MemorySegment sockaddr = arena.allocate(SockaddrIn.SIZE);
      SockaddrIn.write(sockaddr, 0, address.bits(), port);
      if (Libc.bind(errno, fd, sockaddr, SockaddrIn.SIZE) < 0) {
        throw new IOException("bind " + address + ":" + port + ": " + Libc.strerror(errno.value()));
      }
      return new UdpSocket(fd, address, port);
    } catch (IOException | RuntimeException e) {
      Libc.close(errno, fd);
      throw e;
    }
  }

  /** The socket a predecessor handed over ({@code fd}, already bound): its address is what it is bound to. */
  public static UdpSocket adopt(int fd) throws IOException {
    var errno = new Libc.Errno();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment sockaddr = arena.allocate(SockaddrIn.SIZE);
      MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
      length.set(ValueLayout.JAVA_INT, 0, SockaddrIn.SIZE);
      if (Libc.getsockname(errno, fd, sockaddr, length) < 0) {
        throw new IOException("getsockname: " + Libc.strerror(errno.value()));
      }
      return new UdpSocket(fd, new Ipv4(SockaddrIn.address(sockaddr, 0)), SockaddrIn.port(sockaddr, 0));
    }
  }

  public int fd() {
    return fd;
  }

  public Ipv4 address() {
    return address;
  }

  public int port() {
    return port;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      Libc.close(new Libc.Errno(), fd);
    }
  }
}
