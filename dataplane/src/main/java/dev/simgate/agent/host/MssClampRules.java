package dev.simgate.agent.host;

/**
 * The nftables table that clamps TCP MSS on the agent's interface, as {@code nft -f} scripts. Hosts
 * and pods behind the gate node advertise the MSS of their own MTU (1460 at 1500), which the tunnel
 * cannot carry (1410 at MTU 1450), and devices on cellular links do the same; without clamping a
 * connection depends on ICMP "fragmentation needed" getting through, and stalls where it does not.
 * So every SYN and SYN-ACK forwarded out of or in through the interface gets its MSS lowered to
 * the interface's MTU − 40, both ways. Only forwarded traffic is touched: the node's own sockets
 * already use the interface's MTU.
 *
 * <p>The apply script is idempotent and atomic (one nft transaction): it creates the table if
 * missing, deletes it, and declares it whole, so running it twice or after a change leaves exactly
 * one current table.
 */
final class MssClampRules {
  private MssClampRules() {}

  /** One table per interface: inet family, so the rules also hold if IPv6 is routed later. */
  static String table(String interfaceName) {
    return "inet simgate_" + interfaceName.replaceAll("[^A-Za-z0-9_]", "_");
  }

  static String applyScript(String interfaceName, int mss) {
    String table = table(interfaceName);
    String match = "tcp flags & (syn | rst) == syn tcp option maxseg size > " + mss
        + " tcp option maxseg size set " + mss;
    return "table " + table + "\n"
        + "delete table " + table + "\n"
        + "table " + table + " {\n"
        + "  chain clamp_mss {\n"
        + "    type filter hook forward priority mangle; policy accept;\n"
        + "    oifname \"" + interfaceName + "\" " + match + "\n"
        + "    iifname \"" + interfaceName + "\" " + match + "\n"
        + "  }\n"
        + "}\n";
  }

  /** Removes the table if it is there (creating an empty one first makes the delete never fail). */
  static String removeScript(String interfaceName) {
    String table = table(interfaceName);
    return "table " + table + "\ndelete table " + table + "\n";
  }
}
