package dev.simgate.agent.forward;

/**
 * The VXLAN socket as the packet path uses it: non-blocking recvmmsg/sendmmsg over {@code struct mmsghdr} arrays at
 * native addresses ({@link dev.simgate.agent.udp.MessageVector}). {@link LinuxUdpPort} is the socket; tests put an
 * in-memory one here.
 */
public interface UdpPort {
  /** recvmmsg(2): how many messages were received, or -1 with {@link #error()} set (EAGAIN: none). */
  int receive(long messages, int count);

  /** sendmmsg(2): how many messages were sent, or -1 with {@link #error()} set. */
  int send(long messages, int count);

  /** errno of the last failed call. */
  int error();

  /** Whether messages may carry a UDP_SEGMENT control message (UDP GSO). */
  boolean segmentationOffload();
}
