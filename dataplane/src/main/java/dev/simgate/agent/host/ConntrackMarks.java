package dev.simgate.agent.host;

/**
 * Conntrack mark bits SimGate's two programs agree on. The gate agent lets a connection from the tunnel in only when
 * it answers one this side opened, or carries {@link #EXPOSED}: the node agent sets that bit on the connections it
 * translates to an exposed Service (its exposure DNAT). Not {@code ct status dnat}: kube-proxy's NodePort translation
 * sets that too, and would open every NodePort to the SIMs.
 */
public final class ConntrackMarks {
  /** The connection came in through a declared exposure. */
  public static final int EXPOSED = 0x0010_0000;

  private ConntrackMarks() {}

  /** {@link #EXPOSED} as nftables writes it. */
  public static String exposedHex() {
    return String.format("0x%08x", EXPOSED);
  }
}
