package dev.simgate.agent.forward;

/**
 * The TAP as the packet path uses it: non-blocking reads and writes of virtio_net_hdr + frame, at native addresses.
 * {@link LinuxTapPort} is the device; tests put an in-memory TAP here.
 */
public interface TapPort {
  /** read(2): the bytes read into {@code address}, or -1 with {@link #error()} set (EAGAIN: nothing to read). */
  long read(long address, long length);

  /** write(2) of one frame; the bytes written, or -1. */
  long write(long address, long length);

  /** writev(2) of one frame gathered from {@code count} iovecs at {@code iovecs}; the bytes written, or -1. */
  long writev(long iovecs, int count);

  /** errno of the last failed call. */
  int error();
}
