package dev.simgate.agent.host;

import dev.simgate.contract.net.Ipv4;
import java.util.stream.Collectors;

/**
 * The agent's nftables table for its interface, as {@code nft -f} scripts: one table per
 * interface, {@code inet simgate_<interface>}, holding what the config asks for.
 *
 * <ul>
 *   <li><b>The door's first lock</b> ({@link KernelFilter}, always). VXLAN has no authentication: the agent accepts
 *       datagrams from the VPG peers only, but checking that after {@code recvmmsg} lets a flood from anyone compete
 *       with the VPG's traffic for the event loop. So a {@code prerouting} chain at priority {@code raw} (before
 *       conntrack) drops datagrams to the agent's address and port from every other source, counted in the named
 *       counter {@value KernelFilter#NON_PEER_COUNTER}; the peers are a set in the same table, so a new peer list
 *       takes effect in the same transaction as everything else. An {@code input} chain drops connections from the
 *       tunnel interface to the admin ports.
 *   <li><b>MSS clamp</b> ({@code mssClamp}). Hosts and pods behind the gate node advertise the MSS
 *       of their own MTU (1460 at 1500), which the tunnel cannot carry (1410 at MTU 1450), and
 *       cellular devices do the same. Without a clamp a connection depends on ICMP "fragmentation
 *       needed" getting through, and stalls where it does not. So every SYN and SYN-ACK forwarded
 *       out of or in through the interface gets its MSS lowered to the interface's MTU − 40. The
 *       node's own sockets already use the interface's MTU.
 *   <li><b>Inbound default-deny</b> ({@code inbound: deny}, the default). Whatever reaches the VPG can send into
 *       the tunnel, and VXLAN has no authentication. So what comes out of the interface, to the node itself
 *       ({@code input}) or to anything it routes ({@code forward}: pods, hosts behind it), passes only as a reply to a
 *       connection this side opened (conntrack established/related), as ICMP echo to the inner address (rate-limited,
 *       for diagnostics), or as a connection the node agent exposed (its conntrack mark
 *       {@link ConntrackMarks#EXPOSED}); everything else is dropped and counted in {@value #INBOUND_TO_NODE} and
 *       {@value #INBOUND_ROUTED}. IPv6 and other non-IPv4 frames never reach the interface (the agent drops them).
 *   <li><b>Source NAT to the inner address</b> ({@code masquerade}). Traffic the node forwards into the tunnel from
 *       other sources (hosts routed through it, pods) leaves with the node's inner address, so the
 *       VPG needs no route back to those networks: replies come to the node, whose conntrack
 *       returns them. {@code snat} to that fixed address, not {@code masquerade}: the kernel flushes every conntrack
 *       entry masqueraded through a device when the device goes down or loses its address, so after an agent stopped
 *       (interface removed) and started again, a SIM's first packet on such a connection found no entry and was
 *       dropped or reset; SNAT entries survive the interface being removed and made again with the same address.
 * </ul>
 *
 * <p>The apply script is idempotent and atomic (one nft transaction): it creates the table if
 * missing, deletes it, and declares it whole, so running it twice or after a change leaves exactly
 * one current table, and a table left by an agent killed with SIGKILL is replaced, not duplicated.
 */
final class NftablesRules {
  /** Named counter: new connections (and stray packets) from the tunnel to the node itself, dropped. */
  static final String INBOUND_TO_NODE = "inbound_to_node";
  /** Named counter: new connections from the tunnel to what the node routes (pods, hosts behind it), dropped. */
  static final String INBOUND_ROUTED = "inbound_routed";
  /** ICMP echo requests to the inner address let through per second (beyond the burst); the rest count as dropped. */
  static final String ECHO_LIMIT = "limit rate 10/second burst 20 packets";

  private NftablesRules() {}

  /** inet family, so the rules also hold if IPv6 is routed later. */
  static String table(String interfaceName) {
    return "inet " + tableName(interfaceName);
  }

  static String tableName(String interfaceName) {
    return "simgate_" + interfaceName.replaceAll("[^A-Za-z0-9_]", "_");
  }

  /** The script that makes the table what {@code state} asks for: removed when it asks for nothing. */
  static String script(InterfaceState state) {
    boolean deny = state.inbound() == dev.simgate.contract.agentconfig.Settings.Inbound.DENY;
    if (state.clampedMss() == 0 && !state.masquerade() && state.filter() == null && !deny) {
      return removeScript(state.name());
    }
    String table = table(state.name());
    String dev = "\"" + state.name() + "\"";
    StringBuilder script = new StringBuilder()
        .append("table ").append(table).append('\n')
        .append("delete table ").append(table).append('\n')
        .append("table ").append(table).append(" {\n");
    KernelFilter filter = state.filter();
    if (filter != null) {
      script.append("  set vpg_peers {\n")
          .append("    type ipv4_addr\n")
          .append("    elements = { ").append(filter.vpgPeers().stream().map(Ipv4::toString)
              .collect(Collectors.joining(", "))).append(" }\n")
          .append("  }\n")
          .append("  counter ").append(KernelFilter.NON_PEER_COUNTER).append(" {\n  }\n")
          .append("  chain vxlan_door {\n")
          .append("    type filter hook prerouting priority raw; policy accept;\n")
          .append("    ip daddr ").append(filter.localAddress()).append(" udp dport ").append(filter.port())
          .append(" ip saddr != @vpg_peers counter name ").append(KernelFilter.NON_PEER_COUNTER).append(" drop\n")
          .append("  }\n")
          .append("  chain admin_from_tunnel {\n")
          .append("    type filter hook input priority filter; policy accept;\n")
          .append("    iifname ").append(dev).append(" tcp dport { ").append(filter.adminPorts().stream()
              .map(String::valueOf).collect(Collectors.joining(", "))).append(" } drop\n")
          .append("  }\n");
    }
    if (deny) {
      String from = "    iifname " + dev;
      String admitted = from + " ct state established,related accept\n"
          + from + " ct mark & " + ConntrackMarks.exposedHex() + " == " + ConntrackMarks.exposedHex() + " accept\n";
      script.append("  counter ").append(INBOUND_TO_NODE).append(" {\n  }\n")
          .append("  counter ").append(INBOUND_ROUTED).append(" {\n  }\n")
          .append("  chain from_tunnel_to_node {\n")
          .append("    type filter hook input priority filter; policy accept;\n")
          .append(admitted)
          .append(from).append(" ip daddr ").append(state.address().address()).append(" icmp type echo-request ")
          .append(ECHO_LIMIT).append(" accept\n")
          .append(from).append(" counter name ").append(INBOUND_TO_NODE).append(" drop\n")
          .append("  }\n")
          .append("  chain from_tunnel_routed {\n")
          .append("    type filter hook forward priority filter; policy accept;\n")
          .append(admitted)
          .append(from).append(" counter name ").append(INBOUND_ROUTED).append(" drop\n")
          .append("  }\n");
    }
    if (state.clampedMss() > 0) {
      String clamp = " tcp flags & (syn | rst) == syn tcp option maxseg size > " + state.clampedMss()
          + " tcp option maxseg size set " + state.clampedMss() + "\n";
      script.append("  chain clamp_mss {\n")
          .append("    type filter hook forward priority mangle; policy accept;\n")
          .append("    oifname ").append(dev).append(clamp)
          .append("    iifname ").append(dev).append(clamp)
          .append("  }\n");
    }
    if (state.masquerade()) {
      script.append("  chain source_nat {\n")
          .append("    type nat hook postrouting priority srcnat; policy accept;\n")
          .append("    oifname ").append(dev).append(" ip saddr != ").append(state.address().address())
          .append(" snat ip to ").append(state.address().address()).append('\n')
          .append("  }\n");
    }
    return script.append("}\n").toString();
  }

  /** Removes the table if it is there (creating an empty one first makes the delete never fail). */
  static String removeScript(String interfaceName) {
    String table = table(interfaceName);
    return "table " + table + "\ndelete table " + table + "\n";
  }
}
