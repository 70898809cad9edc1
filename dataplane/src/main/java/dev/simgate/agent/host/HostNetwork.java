package dev.simgate.agent.host;

import java.io.IOException;
import java.util.Map;

/**
 * Host network configuration for the agent's interface, declarative and idempotent. Calls block
 * (they run commands or talk to the kernel), so they are made off the event loop.
 */
public interface HostNetwork {

  /** Converges the host from {@code current} (null when nothing was applied yet) to {@code desired}. */
  void converge(InterfaceState current, InterfaceState desired) throws IOException;

  /** Removes the routes and address of {@code state}; best effort, never throws. */
  void remove(InterfaceState state);

  boolean linkExists(String name);

  /**
   * What the kernel dropped for the interface's agent before the socket, by the {@code reason} label it is exported
   * under ({@code unknown_peer_kernel}); empty when unknown.
   */
  Map<String, Long> kernelDrops(String name);

  /** Deletes a leftover link; best effort. */
  void deleteLink(String name);
}
