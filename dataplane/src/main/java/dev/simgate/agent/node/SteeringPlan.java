package dev.simgate.agent.node;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the kernel should hold for steering, from the policy and the gates that carry traffic now: a pure function.
 *
 * <ul>
 *   <li>The steering device: a kernel VXLAN ({@link #DEVICE}, the policy's VNI and port, this node's underlay address
 *       as source, no learning), MAC derived from the steering address ({@link SteeringMac}), the steering address.
 *   <li>Static forwarding entries (each other node's steering MAC → its underlay address) and neighbours (each other
 *       node's steering address, and each gate's inner address, → that node's steering MAC): nothing on the steering
 *       VXLAN is learned or flooded.
 *   <li>Routes, all with SimGate's protocol number (83) (the gate agent leaves routes of that protocol
 *       alone): a host route to each other gate's inner address (the probes' way there, whatever the gate's state);
 *       per device CIDR, one route over the gates that carry traffic (ECMP when several) at metric
 *       {@value #STEERING_METRIC}, above a gate agent's own routes (metric 0), and a last-resort
 *       {@code unreachable} at {@value #LAST_RESORT_METRIC} that is always there: with no gate, a sender gets
 *       "no route to host" at once, and device traffic never leaks to the default route.
 * </ul>
 */
final class SteeringPlan {
  static final String DEVICE = "sgsteer0";
  /** {@code proto} of every route the node agent makes (unassigned in {@code /etc/iproute2/rt_protos}). */
  static final int PROTOCOL = Integer.parseInt(dev.simgate.agent.host.ForeignRoutes.NODE_AGENT_PROTOCOL);
  static final int STEERING_METRIC = 100;
  static final int LAST_RESORT_METRIC = 1000;

  private SteeringPlan() {}

  /** The steering VXLAN device. */
  record Device(int vni, int port, Ipv4 local, Cidr address, int mtu, String mac) {}

  /**
   * One route of the node agent.
   *
   * @param via next hops (gate inner addresses) for a steering route; empty for a host route or an unreachable one
   */
  record Route(Kind kind, Cidr destination, int metric, List<Ipv4> via) {
    enum Kind {
      HOST, STEERING, UNREACHABLE
    }

    Route {
      via = List.copyOf(via);
    }

    /** What {@code ip route replace} takes. */
    String spec() {
      String proto = " proto " + PROTOCOL + " ";
      return switch (kind) {
        case HOST -> destination + " dev " + DEVICE + proto + "scope link metric " + metric;
        case UNREACHABLE -> "unreachable " + destination + proto + "metric " + metric;
        case STEERING -> destination + proto + "metric " + metric + (via.size() == 1
            ? " via " + via.getFirst() + " dev " + DEVICE + " onlink"
            : String.join("", via.stream().map(hop -> " nexthop via " + hop + " dev " + DEVICE + " onlink").toList()));
      };
    }

    /** What identifies it to the kernel (type, prefix, metric): what {@code ip route del} takes. */
    String key() {
      return key(kind == Kind.UNREACHABLE, destination, metric);
    }

    static String key(boolean unreachable, Cidr destination, int metric) {
      return (unreachable ? "unreachable " : "") + destination + " proto " + PROTOCOL + " metric " + metric;
    }
  }

  /**
   * Everything the kernel should hold for steering.
   *
   * @param device null: no steering (none in the policy)
   * @param forwarding steering MAC → underlay address of each other node
   * @param neighbours steering or inner address → steering MAC
   * @param routes in the order they are made
   */
  record State(Device device, SortedMap<String, Ipv4> forwarding, SortedMap<Ipv4, String> neighbours,
      List<Route> routes) {
    static final State NONE = new State(null, new TreeMap<>(), new TreeMap<>(), List.of());
  }

  /**
   * @param carrying the gates (inner addresses) that carry traffic now
   */
  static State desired(NodePolicy policy, Set<Ipv4> carrying) {
    NodePolicy.Steering steering = policy.steering();
    if (steering == null) {
      return State.NONE;
    }
    Device device = new Device(steering.vni(), steering.port(), steering.localAddress(), steering.address(),
        steering.mtu(), SteeringMac.of(steering.address().address()));
    Map<String, NodePolicy.SteeringNode> nodes = new TreeMap<>();
    steering.nodes().forEach(node -> nodes.put(node.name(), node));
    SortedMap<String, Ipv4> forwarding = new TreeMap<>();
    SortedMap<Ipv4, String> neighbours = new TreeMap<>();
    for (NodePolicy.SteeringNode node : steering.nodes()) {
      if (isSelf(policy, node)) {
        continue;
      }
      String mac = SteeringMac.of(node.address());
      forwarding.put(mac, node.underlay());
      neighbours.put(node.address(), mac);
    }
    List<Route> routes = new ArrayList<>();
    for (NodePolicy.Gate gate : gates(policy)) {
      NodePolicy.SteeringNode node = nodes.get(gate.node());
      if (node == null) {
        continue; // a gate that is not on the steering VXLAN cannot be reached through it
      }
      neighbours.put(gate.innerAddress(), SteeringMac.of(node.address()));
      routes.add(new Route(Route.Kind.HOST, new Cidr(gate.innerAddress(), 32), STEERING_METRIC, List.of()));
    }
    for (NodePolicy.Route route : steering.routes()) {
      List<Ipv4> via = route.gates().stream()
          .filter(gate -> !gate.node().equals(policy.node()) && nodes.containsKey(gate.node()))
          .map(NodePolicy.Gate::innerAddress).filter(carrying::contains).distinct().sorted().toList();
      Cidr destination = route.destination().network();
      if (!via.isEmpty()) {
        routes.add(new Route(Route.Kind.STEERING, destination, STEERING_METRIC, via));
      }
      routes.add(new Route(Route.Kind.UNREACHABLE, destination, LAST_RESORT_METRIC, List.of()));
    }
    return new State(device, forwarding, neighbours, List.copyOf(routes));
  }

  /** The gates of other nodes the policy routes through (what the prober asks), each once, by inner address. */
  static List<NodePolicy.Gate> gates(NodePolicy policy) {
    if (policy.steering() == null) {
      return List.of();
    }
    Map<Ipv4, NodePolicy.Gate> gates = new TreeMap<>();
    for (NodePolicy.Route route : policy.steering().routes()) {
      for (NodePolicy.Gate gate : route.gates()) {
        if (!gate.node().equals(policy.node())) {
          gates.putIfAbsent(gate.innerAddress(), gate);
        }
      }
    }
    return List.copyOf(gates.values());
  }

  /** Whether this entry is this node itself (by name, or by underlay address: it cannot send to itself). */
  private static boolean isSelf(NodePolicy policy, NodePolicy.SteeringNode node) {
    return node.name().equals(policy.node()) || node.underlay().equals(policy.steering().localAddress());
  }

  /** The keys of {@code current} routes that {@code desired} no longer has. */
  static List<String> staleRouteKeys(Collection<String> current, State desired) {
    Set<String> wanted = new java.util.HashSet<>();
    desired.routes().forEach(route -> wanted.add(route.key()));
    return current.stream().filter(key -> !wanted.contains(key)).sorted().toList();
  }
}
