package dev.simgate.agent.tap;

import dev.simgate.agent.packet.MacAddress;
import dev.simgate.agent.sys.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A TAP device opened through {@code /dev/net/tun} with FFM, made persistent: if the agent dies without cleaning up
 * (SIGKILL, a crash), the link stays with its addresses and routes, so established connections through it (and their
 * conntrack entries) survive until the next agent attaches to it again ({@link #open} of the same name). An orderly
 * removal ({@link #destroy}) drops persistence first, so the kernel removes the link with the descriptor.
 *
 * <p>Opened with {@code IFF_VNET_HDR} and the checksum and IPv4 TSO offloads: every frame read or
 * written carries a {@code virtio_net_hdr} ({@link dev.simgate.agent.offload.VirtioNetHeader}), and
 * the host's TCP hands over 64 KiB super-frames with partial checksums, which the agent segments
 * (and checksums) itself.
 */
public final class TapDevice implements AutoCloseable {
  private static final long TUNSETIFF = 0x400454caL;
  private static final short IFF_TAP = 0x0002;
  private static final short IFF_NO_PI = 0x1000;
  private static final short IFF_VNET_HDR = 0x4000;
  private static final long TUNSETOFFLOAD = 0x400454d0L;
  private static final long TUNSETPERSIST = 0x400454cbL;
  private static final long TUN_F_CSUM = 0x01;
  private static final long TUN_F_TSO4 = 0x02;
  private static final int IFREQ_SIZE = 40;
  private static final int IFNAMSIZ = 16;

  private final int fd;
  private final String name;
  private final long mac;
  private boolean closed;

  private TapDevice(int fd, String name, long mac) {
    this.fd = fd;
    this.name = name;
    this.mac = mac;
  }

  /**
   * Creates TAP {@code name}, or attaches to the persistent one a killed agent left (adopting it), in non-blocking
   * mode; needs CAP_NET_ADMIN. Fails if another process holds it.
   */
  public static TapDevice open(String name) throws IOException {
    var errno = new Libc.Errno();
    try (Arena arena = Arena.ofConfined()) {
      int fd = Libc.open(errno, arena.allocateFrom("/dev/net/tun"), Libc.O_RDWR | Libc.O_CLOEXEC);
      if (fd < 0) {
        throw new IOException("open /dev/net/tun: " + Libc.strerror(errno.value()) + (errno.value() == Libc.EACCES
            ? " (the device is mode 0600 on some nodes: run the agent as uid 0)" : ""));
      }
      try {
        MemorySegment ifreq = arena.allocate(IFREQ_SIZE);
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(bytes, 0, ifreq, ValueLayout.JAVA_BYTE, 0, Math.min(bytes.length, IFNAMSIZ - 1));
        ifreq.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR));
        if (Libc.ioctl(errno, fd, TUNSETIFF, ifreq) < 0) {
          int error = errno.value();
          throw new IOException("TUNSETIFF " + name + ": " + Libc.strerror(error) + (error == Libc.EPERM
              ? " (creating a TAP device needs CAP_NET_ADMIN: give the agent that capability)"
              : error == Libc.EBUSY ? " (another process holds it: is another agent running with this interface?)"
              : error == Libc.EINVAL ? " (a link of that name exists and is not a TAP device)" : ""));
        }
        String actual = ifreq.getString(0, StandardCharsets.US_ASCII);
        if (Libc.ioctl(errno, fd, TUNSETOFFLOAD, MemorySegment.ofAddress(TUN_F_CSUM | TUN_F_TSO4)) < 0) {
          throw new IOException("TUNSETOFFLOAD " + actual + ": " + Libc.strerror(errno.value()));
        }
        int flags = Libc.fcntl(errno, fd, Libc.F_GETFL, 0);
        if (flags < 0 || Libc.fcntl(errno, fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK) < 0) {
          throw new IOException("fcntl O_NONBLOCK: " + Libc.strerror(errno.value()));
        }
        persist(fd, true);
        return new TapDevice(fd, actual, readMac(actual));
      } catch (IOException | RuntimeException e) {
        Libc.close(errno, fd);
        throw e;
      }
    }
  }

  /** The TAP a predecessor handed over ({@code fd}, already attached and set up). */
  public static TapDevice adopt(int fd, String name) throws IOException {
    return new TapDevice(fd, name, readMac(name));
  }

  private static void persist(int fd, boolean on) throws IOException {
    var errno = new Libc.Errno();
    if (Libc.ioctl(errno, fd, TUNSETPERSIST, MemorySegment.ofAddress(on ? 1 : 0)) < 0) {
      throw new IOException("TUNSETPERSIST: " + Libc.strerror(errno.value()));
    }
  }

  private static long readMac(String name) throws IOException {
    return MacAddress.parse(Files.readString(Path.of("/sys/class/net", name, "address")));
  }

  public int fd() {
    return fd;
  }

  public String name() {
    return name;
  }

  /** The TAP's own MAC address: frames arriving from a peer with this source are loops. */
  public long mac() {
    return mac;
  }

  /** Closes the descriptor and leaves the link (persistent) to whoever holds it next. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      Libc.close(new Libc.Errno(), fd);
    }
  }

  /** Closes the descriptor and lets the kernel remove the link (unless another process still holds it). */
  public synchronized void destroy() {
    if (!closed) {
      try {
        persist(fd, false);
      } catch (IOException e) {
        // closing still detaches; the caller deletes what is left
      }
      close();
    }
  }
}
