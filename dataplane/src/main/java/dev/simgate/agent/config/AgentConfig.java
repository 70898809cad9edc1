package dev.simgate.agent.config;

import java.time.Duration;
import java.util.List;

/**
 * A validated agent configuration for one node (the cluster shape already resolved with the
 * node name). Built only by {@link ConfigParser}.
 *
 * @param vni VXLAN network identifier, 1..16777215
 * @param port UDP port, used as destination and as source
 * @param localAddress this node's outer IP; the UDP socket binds to it
 * @param peers the VPG peers' outer IPs
 * @param iface the TAP interface
 * @param routes extra prefixes routed through the interface
 * @param admin admin HTTP endpoint (host, port)
 * @param macAgeing how long a learned MAC → peer entry lives without traffic
 * @param busyPoll how long the event loop keeps polling after the last packet before it sleeps;
 *     zero (the default) sleeps at once. Polling saves a thread wakeup per packet (latency) at the
 *     price of a core spinning while traffic flows.
 * @param mssClamp whether TCP SYNs forwarded through the interface, either way, get their MSS
 *     lowered to what the interface's MTU carries (nftables)
 * @param masquerade whether traffic forwarded into the interface from other sources leaves with
 *     the interface's inner address (nftables), so the VPG needs no route back to them
 */
public record AgentConfig(
    int vni,
    int port,
    Ipv4 localAddress,
    List<Ipv4> peers,
    Interface iface,
    List<Cidr> routes,
    Admin admin,
    Duration macAgeing,
    Duration busyPoll,
    boolean mssClamp,
    boolean masquerade) {

  public static final int DEFAULT_PORT = 4789;
  public static final int DEFAULT_VNI = 10;
  public static final int DEFAULT_MTU = 1450;
  public static final String DEFAULT_INTERFACE = "simgate0";
  public static final String DEFAULT_ADMIN_HOST = "127.0.0.1";
  public static final int DEFAULT_ADMIN_PORT = 9464;
  public static final int DEFAULT_MAC_AGEING_SECONDS = 300;
  /** A busy-poll window longer than this is a spinning core in all but name: use a number that says so. */
  public static final int MAX_BUSY_POLL_MICROS = 100_000;
  /** Head-end replication copies every flooded frame to each peer: keep that bounded. */
  public static final int MAX_PEERS = 16;

  public record Interface(String name, Cidr address, int mtu) {}

  public record Admin(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  public AgentConfig {
    peers = List.copyOf(peers);
    routes = List.copyOf(routes);
  }
}
