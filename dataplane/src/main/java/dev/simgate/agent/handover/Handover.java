package dev.simgate.agent.handover;

import java.time.Duration;

/**
 * Handing a running data plane to a successor without a gap: the running agent gives its TAP and VXLAN socket (the
 * descriptors themselves, SCM_RIGHTS) to a new agent for the same interface, which goes on reading them, so nothing
 * the kernel holds is lost (the TAP's queue, the socket's buffer, the interface, its addresses and routes, and the
 * conntrack entries of the connections through it). A DaemonSet rolling update with {@code maxSurge} starts the new
 * pod while the old one runs; an agent told to stop waits a few seconds for one.
 *
 * <p>Protocol, on the abstract Unix socket {@code simgate-agent/<interface>} of the host's network namespace:
 * the successor says {@code simgate-handover/1 <interface>}; the running agent answers {@code prove <nonce>}; the
 * successor sets the interface's alias to {@code simgate-handover-<nonce>} and says {@code proved}; the running agent
 * reads the alias back, stops, and sends {@code fds} with the two descriptors. Setting a link's alias needs
 * CAP_NET_ADMIN over the host's network: a process that can do it could build its own TAP and socket, so the
 * descriptors give it nothing it did not have, and anything less privileged that reaches the socket is refused.
 */
public final class Handover {
  static final String HELLO = "simgate-handover/1";
  static final String ALIAS_PREFIX = "simgate-handover-";
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(5);

  private Handover() {}

  static String socketName(String interfaceName) {
    return "simgate-agent/" + interfaceName;
  }

  /** What the running agent gives its successor: the TAP's and the VXLAN socket's descriptors. */
  public record Fds(int tap, int socket) {}
}
