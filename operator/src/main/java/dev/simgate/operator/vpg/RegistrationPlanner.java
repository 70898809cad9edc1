package dev.simgate.operator.vpg;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.simgate.operator.api.v1alpha1.SoracomPeer;
import dev.simgate.operator.api.v1alpha1.SoracomRegistration;
import dev.simgate.operator.soracom.model.GatePeer;

/**
 * Pure: what to do so that every gate node is a customer Gate peer of the SORACOM VPG, decided per outer address from
 * three inputs: the gate nodes (desired), SimGate's own record of what it registered (persisted in status), and what the
 * VPG lists now. The rules, so that nobody else's entry is ever changed:
 * <ul>
 *   <li>a node's outer address not listed: register it (recorded as SimGate's before the call is made);
 *   <li>listed with the node's inner address: in place (SimGate's if recorded so, else someone else's, left alone);
 *   <li>listed with another inner address: replaced if SimGate registered it (drift, or a new inner address), else
 *       reported as a conflict and left alone; one of the VPG's own peers: a conflict;
 *   <li>a recorded address whose node has left: unregistered if still listed as SimGate registered it; forgotten if
 *       gone or changed by someone else (then it is someone else's entry).
 * </ul>
 */
public final class RegistrationPlanner {
  /** One gate node that should be registered: it has an outer and an inner address and runs the agent. */
  public record DesiredNode(String node, String gatePeer, String outerAddress, String innerAddress) {}

  public enum Action { NONE, REGISTER, REPLACE, UNREGISTER, FORGET }

  /**
   * @param entry the registration as it will stand once the action succeeds is known (for REGISTER and REPLACE: recorded
   *     as SimGate's and not yet in place; this is the intent persisted before the call)
   * @param drift what someone changed outside SimGate, when the action corrects it (for an Event), else null
   */
  public record Step(SoracomRegistration entry, Action action, String drift) {}

  /**
   * @param steps one per outer address, in a stable order; UNREGISTER and FORGET first (an inner address freed by a
   *     node that left may be wanted by another)
   * @param others customer Gate peers that are neither SimGate's nor any gate node's
   */
  public record Plan(List<Step> steps, List<SoracomPeer> others) {
    /** Whether any step registers: then the intent must be persisted first. */
    public boolean registers() {
      return steps.stream().anyMatch(s -> s.action() == Action.REGISTER || s.action() == Action.REPLACE);
    }
  }

  static final String REGISTERING = "registering";
  static final String UNREGISTERING = "node left; unregistering";
  static final String EXTERNAL = "registered outside SimGate with these addresses; left as it is";

  private RegistrationPlanner() {}

  public static Plan plan(List<DesiredNode> desired, List<SoracomRegistration> recorded, List<GatePeer> live) {
    Map<String, List<DesiredNode>> wanted = new TreeMap<>();
    desired.forEach(d -> wanted.computeIfAbsent(d.outerAddress(), k -> new ArrayList<>()).add(d));
    Map<String, SoracomRegistration> ours = new LinkedHashMap<>();
    recorded.stream().filter(SoracomRegistration::registeredBySimGate).forEach(r -> ours.put(r.outerAddress(), r));
    Map<String, GatePeer> listed = new LinkedHashMap<>();
    live.forEach(p -> listed.put(p.outerIpAddress(), p));

    List<Step> removals = new ArrayList<>();
    List<Step> rest = new ArrayList<>();
    for (var e : wanted.entrySet()) {
      rest.add(forNode(e.getKey(), e.getValue(), ours.get(e.getKey()), listed.get(e.getKey())));
    }
    for (SoracomRegistration r : ours.values()) {
      if (!wanted.containsKey(r.outerAddress())) {
        removals.add(forLeftNode(r, listed.get(r.outerAddress())));
      }
    }
    List<SoracomPeer> others = new ArrayList<>();
    for (GatePeer p : live) {
      if (p.isCustomerPeer() && !wanted.containsKey(p.outerIpAddress())
          && !(ours.containsKey(p.outerIpAddress()) && Objects.equals(ours.get(p.outerIpAddress()).innerAddress(), p.innerIpAddress()))) {
        others.add(new SoracomPeer(p.outerIpAddress(), p.innerIpAddress()));
      }
    }
    Comparator<Step> order = Comparator.comparing((Step s) -> String.valueOf(s.entry().gatePeer()))
        .thenComparing(s -> String.valueOf(s.entry().node())).thenComparing(s -> s.entry().outerAddress());
    removals.sort(order);
    rest.sort(order);
    List<Step> steps = new ArrayList<>(removals);
    steps.addAll(rest);
    others.sort(Comparator.comparing(SoracomPeer::outerAddress));
    return new Plan(List.copyOf(steps), List.copyOf(others));
  }

  private static Step forNode(String outer, List<DesiredNode> nodes, SoracomRegistration mine, GatePeer listed) {
    DesiredNode node = nodes.getFirst();
    boolean recorded = mine != null;
    if (nodes.size() > 1) {
      TreeSet<String> names = new TreeSet<>();
      nodes.forEach(n -> names.add(n.node()));
      return none(node, recorded, false, "outer address " + outer + " is shared by nodes " + names
          + "; each gate node needs its own");
    }
    if (listed != null && listed.isVpgPeer()) {
      return none(node, false, false, "outer address " + outer + " is one of the VPG's own Gate peers");
    }
    String inner = node.innerAddress();
    if (listed != null && Objects.equals(listed.innerIpAddress(), inner)) {
      return none(node, recorded, true, recorded ? null : EXTERNAL);
    }
    if (listed == null) {
      String drift = recorded && mine.inPlace() ? "Gate peer " + outer + " (node " + node.node()
          + ") was unregistered outside SimGate; registered again" : null;
      return new Step(entry(node, true, false, REGISTERING), Action.REGISTER, drift);
    }
    if (!recorded) {
      return none(node, false, false, "outer address " + outer + " is registered outside SimGate with inner address "
          + listed.innerIpAddress() + ", not " + inner + "; SimGate does not change it");
    }
    String drift = Objects.equals(listed.innerIpAddress(), mine.innerAddress()) ? null
        : "Gate peer " + outer + " (node " + node.node() + ") was changed outside SimGate to inner address "
            + listed.innerIpAddress() + "; set back to " + inner;
    return new Step(entry(node, true, false, REGISTERING), Action.REPLACE, drift);
  }

  private static Step forLeftNode(SoracomRegistration mine, GatePeer listed) {
    if (listed != null && listed.isCustomerPeer() && Objects.equals(listed.innerIpAddress(), mine.innerAddress())) {
      return new Step(mine.withState(true, UNREGISTERING), Action.UNREGISTER, null);
    }
    return new Step(mine, Action.FORGET, null);
  }

  private static Step none(DesiredNode node, boolean ours, boolean inPlace, String message) {
    return new Step(entry(node, ours, inPlace, message), Action.NONE, null);
  }

  private static SoracomRegistration entry(DesiredNode node, boolean ours, boolean inPlace, String message) {
    return new SoracomRegistration(node.node(), node.gatePeer(), node.outerAddress(), node.innerAddress(), ours, inPlace, message);
  }
}
