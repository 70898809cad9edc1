package dev.simgate.agent.node;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The node's kernel as the node agent changes it; calls block (they run commands): the control thread makes them. */
interface NodeHost {
  /** Runs one {@code nft -f} script (one transaction). */
  void nft(String script) throws IOException;

  /** Makes the steering device, its neighbours, forwarding entries and SimGate's routes what {@code desired} says. */
  void converge(SteeringPlan.State desired) throws IOException;

  /** Only the routes (the gates that carry traffic changed; the device and its entries did not). */
  void routes(SteeringPlan.State desired) throws IOException;

  /** Removes everything the node agent makes; best effort; returns what went. */
  List<String> removeAll();

  /**
   * Removes gate agents' interfaces that no process holds, but those in {@code keep}, with their nftables tables: what
   * an agent killed with SIGKILL left for its successor, which will not come when its GatePeer went meanwhile. Best
   * effort; returns what went.
   */
  List<String> removeDetachedGateInterfaces(Set<String> keep);

  /** The node agent table's named counters (packets by name); empty when unknown. */
  Map<String, Long> counters();

  /** The interfaces gate agents run on this node. */
  Set<String> gateInterfaces();

  /**
   * Gate agents' interfaces that no process holds, by name, each with what identifies it: its ifindex and how often its
   * carrier changed (an agent attaching changes it).
   */
  Map<String, String> detachedGateInterfaces();
}
