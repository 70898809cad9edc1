package dev.simgate.agent.host;

import dev.simgate.contract.net.Cidr;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Routes on the node that the agent would take over but does not own. {@code ip route replace} (and the route the
 * kernel adds for the interface address) would silently move such a prefix to the agent's interface: a pod network of
 * the same prefix, or a VPN's, would then go into the tunnel. The agent owns only routes through its own interface;
 * the node agent's routes for the same prefixes (SimGate's protocol, another metric) are no takeover either.
 */
public final class ForeignRoutes {
  /**
   * The routing protocol number of the node agent's routes (steering to the gate nodes, last-resort unreachable):
   * SimGate's own, for the same device CIDRs at a higher metric, so the agent leaves them be.
   */
  public static final String NODE_AGENT_PROTOCOL = "83";

  /** Route types that {@code ip route} prints before the prefix. */
  private static final Set<String> TYPES = Set.of("unicast", "local", "broadcast", "multicast", "throw",
      "unreachable", "prohibit", "blackhole", "nat", "anycast");

  private ForeignRoutes() {}

  /**
   * @param mainTable the output of {@code ip -4 -o route show table main}
   * @return the lines of routes with a prefix {@code desired} routes (or its address's network) on another interface
   */
  static List<String> in(String mainTable, InterfaceState desired) {
    Set<Cidr> wanted = new LinkedHashSet<>(desired.routes());
    wanted.add(desired.address().network());
    List<String> foreign = new ArrayList<>();
    for (String line : mainTable.split("\n")) {
      String[] words = line.strip().split("\\s+");
      int at = words.length > 1 && TYPES.contains(words[0]) ? 1 : 0;
      Cidr prefix = prefix(words[at]);
      if (prefix != null && wanted.contains(prefix) && !desired.name().equals(device(words)) && !nodeAgents(words)) {
        foreign.add(line.strip().replaceAll("\\s+", " "));
      }
    }
    return foreign;
  }

  /** Refuses {@code desired} when it would take over a route of someone else. */
  static void refuse(String mainTable, InterfaceState desired) throws IOException {
    List<String> foreign = in(mainTable, desired);
    if (!foreign.isEmpty()) {
      throw new IOException("routes on this node that the agent does not own (not via " + desired.name() + "): "
          + String.join("; ", foreign) + ". The agent never replaces a route it does not own: take the CIDR out of"
          + " the DeviceSubnet (or the address out of the device subnet), or remove that route");
    }
  }

  private static Cidr prefix(String word) {
    if (word.equals("default")) {
      return Cidr.parse("0.0.0.0/0");
    }
    Cidr cidr = Cidr.parseOrNull(word.contains("/") ? word : word + "/32");
    return cidr == null ? null : cidr.network();
  }

  /** A node agent's route: {@code proto 83} (or a name given to 83 in rt_protos, which we cannot know: not honoured). */
  private static boolean nodeAgents(String[] words) {
    for (int i = 0; i + 1 < words.length; i++) {
      if (words[i].equals("proto")) {
        return words[i + 1].equals(NODE_AGENT_PROTOCOL);
      }
    }
    return false;
  }

  private static String device(String[] words) {
    for (int i = 0; i + 1 < words.length; i++) {
      if (words[i].equals("dev")) {
        return words[i + 1];
      }
    }
    return null;
  }
}
