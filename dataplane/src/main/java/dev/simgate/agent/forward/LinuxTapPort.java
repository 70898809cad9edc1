package dev.simgate.agent.forward;

import dev.simgate.agent.sys.Libc;

/** A TAP file descriptor. Create it on the thread that uses it: errno is that thread's. */
public final class LinuxTapPort implements TapPort {
  private final int fd;
  private final Libc.ThreadErrno errno = new Libc.ThreadErrno();

  public LinuxTapPort(int fd) {
    this.fd = fd;
  }

  @Override
  public long read(long address, long length) {
    return Libc.read(fd, address, length);
  }

  @Override
  public long write(long address, long length) {
    return Libc.write(fd, address, length);
  }

  @Override
  public long writev(long iovecs, int count) {
    return Libc.writev(fd, iovecs, count);
  }

  @Override
  public int error() {
    return errno.value();
  }
}
