package dev.simgate.agent.host;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Host network configuration for the agent's interface, declarative and idempotent. Calls block
 * (they run commands or talk to the kernel), so they are made off the event loop.
 */
public interface HostNetwork {

  /** Converges the host from {@code current} (null when nothing was applied yet) to {@code desired}. */
  void converge(InterfaceState current, InterfaceState desired) throws IOException;

  /**
   * The first setup of an interface that may hold what an earlier agent left (killed with SIGKILL): addresses and
   * routes on it that {@code desired} does not have are removed, then it converges to {@code desired}.
   */
  void adopt(InterfaceState desired) throws IOException;

  /** Sets the link's alias (the handover's proof of CAP_NET_ADMIN). */
  void setAlias(String name, String alias) throws IOException;

  /**
   * Removes what agents killed with SIGKILL left for other interfaces than those in {@code keep}: their links (tagged,
   * and held by no process) and nftables tables of links that are gone. Best effort; returns what went.
   */
  List<String> removeLeftovers(Set<String> keep);

  /** Removes the routes and address of {@code state}; best effort, never throws. */
  void remove(InterfaceState state);

  boolean linkExists(String name);

  /**
   * What the kernel counted for the interface's agent (its table's named counters, by name, in packets): VXLAN from
   * non-peers dropped before the socket, what the inbound default-deny dropped; empty when unknown.
   */
  Map<String, Long> kernelCounters(String name);

  /** Deletes a leftover link; best effort. */
  void deleteLink(String name);
}
