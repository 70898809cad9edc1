package dev.simgate.agent.forward;

import dev.simgate.agent.sys.Libc;
import dev.simgate.agent.udp.UdpSegment;

/** A UDP socket's file descriptor. Create it on the thread that uses it: errno is that thread's. */
public final class LinuxUdpPort implements UdpPort {
  private final int fd;
  private final Libc.ThreadErrno errno = new Libc.ThreadErrno();
  private final boolean segmentationOffload;

  public LinuxUdpPort(int fd) {
    this.fd = fd;
    this.segmentationOffload = UdpSegment.supported(fd);
  }

  @Override
  public int receive(long messages, int count) {
    return Libc.recvmmsg(fd, messages, count, Libc.MSG_DONTWAIT);
  }

  @Override
  public int send(long messages, int count) {
    return Libc.sendmmsg(fd, messages, count, Libc.MSG_DONTWAIT);
  }

  @Override
  public int error() {
    return errno.value();
  }

  @Override
  public boolean segmentationOffload() {
    return segmentationOffload;
  }
}
