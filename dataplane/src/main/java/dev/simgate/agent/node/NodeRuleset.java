package dev.simgate.agent.node;

import dev.simgate.agent.host.ConntrackMarks;
import dev.simgate.agent.host.IpCommandHostNetwork;
import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy;
import dev.simgate.contract.nodepolicy.NodePolicy.Exposure;
import dev.simgate.contract.nodepolicy.NodePolicy.Target;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The node agent's nftables table {@code inet simgate_node} for a policy, as text: a pure function, so every case has
 * a golden test. What it holds:
 *
 * <ul>
 *   <li><b>Access</b> ({@code forward}): a forwarded packet that leaves through a gate agent's interface or the
 *       steering device, or goes to a device CIDR of the policy, passes only if its {@code source . destination} is in
 *       the set {@code allowed} (pod address . device CIDR, from {@link NodePolicy#access()}); the rest is dropped and
 *       counted ({@code no_access}, and per DeviceSubnet by destination, {@link OwnerCounters}). Replies
 *       (established, related) pass first. Checked here because the pod's own address is still the source: a CNI
 *       masquerades only later, at postrouting. Host processes and host-network pods (the output path) are not
 *       confined. On a gate node, traffic other nodes steered here passes (its node checked it).
 *   <li><b>Steering</b>: the steering VXLAN's UDP port accepts datagrams from the cluster's nodes only (prerouting at
 *       priority raw, counted {@code steering_non_node}), what leaves through the steering device is sourced from
 *       this node's steering address (so replies come back the same way, whatever the CNI does), and the gate
 *       liveness probe port answers only on the steering device.
 *   <li><b>Exposure</b> (gate nodes): a SIM's new connection to {@code inner address:port} from an allowed source
 *       CIDR gets the conntrack mark {@link ConntrackMarks#EXPOSED} (which the gate agent's inbound default-deny lets
 *       through) and is translated to one of the targets at random (prerouting, before kube-proxy's dstnat), then
 *       masqueraded toward the cluster so the target's replies return through this gate node.
 * </ul>
 */
final class NodeRuleset {
  static final String TABLE = "inet " + IpCommandHostNetwork.NODE_AGENT_TABLE;
  static final String NO_ACCESS = "no_access";
  static final String STEERING_NON_NODE = "steering_non_node";
  static final String EXPOSED = "exposed";
  /** The sets and maps an update flushes before declaring them again (their elements are the policy). */
  static final List<String> SETS = List.of("gate_interfaces", "guarded_interfaces", "device_cidrs", "allowed", "nodes");
  static final List<String> MAPS = List.of("denied_by_owner");

  private NodeRuleset() {}

  /**
   * What the table is rendered from besides the policy.
   *
   * @param steeringDevice the steering VXLAN device's name
   * @param gateInterfaces the gate agents' interfaces on this node (the default name, and those found running)
   * @param probePort the gate liveness probe's UDP port
   * @param adminPorts the node agent's own HTTP ports (closed to the tunnel)
   */
  record Context(String steeringDevice, SortedSet<String> gateInterfaces, int probePort, List<Integer> adminPorts) {
    Context {
      gateInterfaces = new TreeSet<>(gateInterfaces);
      adminPorts = List.copyOf(adminPorts);
    }
  }

  /** The whole table, declared ({@code nft -f} syntax): what {@link #replaceScript} and {@link #updateScript} wrap. */
  static String render(NodePolicy policy, Context context) {
    NodePolicy.Steering steering = policy.steering();
    String steeringDevice = quote(context.steeringDevice());
    Map<String, String> owners = OwnerCounters.names(policy);
    StringBuilder out = new StringBuilder("table ").append(TABLE).append(" {\n");

    set(out, "gate_interfaces", "ifname", List.of(),
        context.gateInterfaces().stream().map(NodeRuleset::quote).toList());
    SortedSet<String> guarded = new TreeSet<>(context.gateInterfaces());
    if (steering != null) {
      guarded.add(context.steeringDevice());
    }
    set(out, "guarded_interfaces", "ifname", List.of(), guarded.stream().map(NodeRuleset::quote).toList());
    set(out, "device_cidrs", "ipv4_addr", List.of("interval"), Cidrs.merged(deviceCidrs(policy)).stream()
        .map(Cidr::toString).toList());
    set(out, "allowed", "ipv4_addr . ipv4_addr", List.of("interval"), allowed(policy));
    set(out, "nodes", "ipv4_addr", List.of(), steering == null ? List.of() : steering.nodes().stream()
        .map(NodePolicy.SteeringNode::underlay).distinct().sorted().map(Ipv4::toString).toList());

    for (String counter : List.of(NO_ACCESS, STEERING_NON_NODE, EXPOSED)) {
      out.append("  counter ").append(counter).append(" {\n  }\n");
    }
    for (String counter : new TreeSet<>(owners.values())) {
      out.append("  counter ").append(counter).append(" {\n  }\n");
    }
    out.append("  map denied_by_owner {\n    type ipv4_addr : counter\n    flags interval\n");
    elements(out, OwnerCounters.byDestination(policy, owners).entrySet().stream()
        .map(e -> e.getKey() + " : \"" + e.getValue() + "\"").toList());
    out.append("  }\n");

    chain(out, "steering_door", "filter hook prerouting priority raw", steering == null ? List.of()
        : List.of("udp dport " + steering.port() + " ip saddr != @nodes counter name " + STEERING_NON_NODE + " drop"));
    chain(out, "node_door", "filter hook input priority filter", List.of(
        "udp dport " + context.probePort() + " iifname != " + steeringDevice + " drop",
        "iifname @gate_interfaces tcp dport { " + context.adminPorts().stream().map(String::valueOf)
            .collect(Collectors.joining(", ")) + " } drop"));
    List<String> access = new ArrayList<>(List.of("ct state established,related accept"));
    if (steering != null && isGate(policy)) {
      access.add("iifname " + steeringDevice + " ip saddr " + steering.address().network()
          + " oifname @gate_interfaces accept");
      access.add("iifname " + steeringDevice + " ip saddr " + steering.address().network()
          + " ip daddr @device_cidrs accept");
    }
    access.add("oifname @guarded_interfaces jump check_access");
    access.add("ip daddr @device_cidrs jump check_access");
    chain(out, "access", "filter hook forward priority filter", access);
    chain(out, "check_access", null, List.of(
        "ip saddr . ip daddr @allowed accept",
        "counter name ip daddr map @denied_by_owner drop",
        "counter name " + NO_ACCESS + " drop"));
    chain(out, "exposure_dnat", "nat hook prerouting priority dstnat - 10", exposures(policy));
    List<String> sourceNat = new ArrayList<>();
    if (steering != null) {
      sourceNat.add("oifname " + steeringDevice + " snat ip to " + steering.address().address());
    }
    sourceNat.add("ct mark & " + ConntrackMarks.exposedHex() + " == " + ConntrackMarks.exposedHex()
        + " oifname != @gate_interfaces masquerade");
    chain(out, "source_nat", "nat hook postrouting priority srcnat", sourceNat);
    return out.append("}\n").toString();
  }

  /**
   * Replaces whatever table is there (one left by an earlier node agent, of any version) with {@code table}: the
   * first apply after a start. Counters start at zero.
   */
  static String replaceScript(String table) {
    return "table " + TABLE + "\ndelete table " + TABLE + "\n" + table;
  }

  /**
   * Changes the table this node agent made to {@code table} in one transaction, keeping the named counters' values:
   * every rule and element is removed and declared again (a declaration adds only what is missing).
   */
  static String updateScript(String table) {
    StringBuilder script = new StringBuilder("flush table ").append(TABLE).append('\n');
    SETS.forEach(set -> script.append("flush set ").append(TABLE).append(' ').append(set).append('\n'));
    MAPS.forEach(map -> script.append("flush map ").append(TABLE).append(' ').append(map).append('\n'));
    return script.append(table).toString();
  }

  /** Removes the table if it is there. */
  static String removeScript() {
    return "table " + TABLE + "\ndelete table " + TABLE + "\n";
  }

  /** Whether this node runs a gate agent, as the policy says. */
  static boolean isGate(NodePolicy policy) {
    return policy.steering() != null && policy.steering().nodes().stream()
        .anyMatch(node -> node.name().equals(policy.node()) && node.gate());
  }

  /** Every device CIDR the policy names: where pods are steered, where access goes, where exposed SIMs are. */
  private static List<Cidr> deviceCidrs(NodePolicy policy) {
    List<Cidr> cidrs = new ArrayList<>();
    if (policy.steering() != null) {
      policy.steering().routes().forEach(route -> cidrs.add(route.destination()));
    }
    policy.access().forEach(access -> cidrs.addAll(access.destinations()));
    return cidrs;
  }

  /** {@code pod . cidr} for every access entry, each once, in order. */
  private static List<String> allowed(NodePolicy policy) {
    SortedSet<long[]> pairs = new TreeSet<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
        : a[1] != b[1] ? Long.compare(a[1], b[1]) : Long.compare(a[2], b[2]));
    for (NodePolicy.Access access : policy.access()) {
      for (Ipv4 source : access.sources()) {
        for (Cidr destination : access.destinations()) {
          Cidr network = destination.network();
          pairs.add(new long[] {Integer.toUnsignedLong(source.bits()),
              Integer.toUnsignedLong(network.address().bits()), network.prefix()});
        }
      }
    }
    List<String> elements = new ArrayList<>(pairs.size());
    for (long[] pair : pairs) {
      elements.add(new Ipv4((int) pair[0]) + " . " + new Cidr(new Ipv4((int) pair[1]), (int) pair[2]));
    }
    return elements;
  }

  private static List<String> exposures(NodePolicy policy) {
    List<String> rules = new ArrayList<>();
    for (Exposure exposure : policy.exposures()) {
      if (exposure.targets().isEmpty() || exposure.sources().isEmpty()) {
        continue; // nothing to translate to, or nobody may connect: the gate agent's default-deny drops and counts
      }
      String mark = ConntrackMarks.exposedHex();
      rules.add("iifname @gate_interfaces ip saddr " + anonymousSet(Cidrs.merged(exposure.sources()))
          + " ip daddr " + exposure.address() + " " + exposure.protocol().text() + " dport " + exposure.port()
          + " ct mark set ct mark | " + mark + " counter name " + EXPOSED + " dnat ip to "
          + targets(exposure.targets()));
    }
    return rules;
  }

  /** One target, or a random one of several ({@code numgen}: new connections spread, each keeps its target). */
  private static String targets(List<Target> targets) {
    if (targets.size() == 1) {
      return targets.getFirst().address() + ":" + targets.getFirst().port();
    }
    StringBuilder map = new StringBuilder("numgen random mod " + targets.size() + " map { ");
    for (int i = 0; i < targets.size(); i++) {
      map.append(i == 0 ? "" : ", ").append(i).append(" : ").append(targets.get(i).address()).append(" . ")
          .append(targets.get(i).port());
    }
    return map.append(" }").toString();
  }

  private static String anonymousSet(Collection<Cidr> cidrs) {
    return cidrs.size() == 1 ? cidrs.iterator().next().toString()
        : "{ " + cidrs.stream().map(Cidr::toString).collect(Collectors.joining(", ")) + " }";
  }

  private static void set(StringBuilder out, String name, String type, List<String> flags, List<String> elements) {
    out.append("  set ").append(name).append(" {\n    type ").append(type).append('\n');
    if (!flags.isEmpty()) {
      out.append("    flags ").append(String.join(", ", flags)).append('\n');
    }
    elements(out, elements);
    out.append("  }\n");
  }

  /** One element a line (a list of thousands stays readable in {@code nft list}'s absence and in a diff). */
  private static void elements(StringBuilder out, List<String> elements) {
    if (elements.isEmpty()) {
      return; // an empty set is declared without elements
    }
    out.append("    elements = {\n");
    for (int i = 0; i < elements.size(); i++) {
      out.append("      ").append(elements.get(i)).append(i + 1 < elements.size() ? ",\n" : "\n");
    }
    out.append("    }\n");
  }

  private static void chain(StringBuilder out, String name, String hook, List<String> rules) {
    out.append("  chain ").append(name).append(" {\n");
    if (hook != null) {
      out.append("    type ").append(hook).append("; policy accept;\n");
    }
    rules.forEach(rule -> out.append("    ").append(rule).append('\n'));
    out.append("  }\n");
  }

  private static String quote(String name) {
    return "\"" + name + "\"";
  }
}
