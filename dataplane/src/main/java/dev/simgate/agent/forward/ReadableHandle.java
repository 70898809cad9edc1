package dev.simgate.agent.forward;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.unix.FileDescriptor;

/**
 * Registers a file descriptor we own (the TAP, the UDP socket) with a Netty epoll event loop and
 * calls {@code onReadable} when epoll reports it readable (or in error, so the read surfaces it).
 * The descriptor is closed by its owner, not by Netty.
 */
public final class ReadableHandle implements EpollIoHandle {
  private final FileDescriptor fd;
  private final Runnable onReadable;

  public ReadableHandle(int fd, Runnable onReadable) {
    this.fd = new FileDescriptor(fd);
    this.onReadable = onReadable;
  }

  @Override
  public FileDescriptor fd() {
    return fd;
  }

  @Override
  public void handle(IoRegistration registration, IoEvent event) {
    // Only EPOLLIN is requested, so any event is readable data or an error/hang-up that the
    // read itself reports.
    onReadable.run();
  }

  @Override
  public void close() {
    // The owner closes the descriptor after deregistering.
  }
}
