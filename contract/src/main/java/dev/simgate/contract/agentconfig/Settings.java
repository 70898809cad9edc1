package dev.simgate.contract.agentconfig;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import java.time.Duration;
import java.util.List;

/**
 * Every key of the agent config but a node's own addresses: what all nodes of a cluster config share. Plain data;
 * {@link AgentConfigParser} is what validates.
 *
 * @param vni VXLAN network identifier, 1..16777215
 * @param port UDP port, used as destination and as source
 * @param vpgPeers the VPG peers' outer IPs (key {@code peers})
 * @param interfaceName the TAP interface
 * @param mtu the interface's MTU
 * @param routes extra prefixes routed through the interface
 * @param admin admin HTTP endpoint
 * @param macAgeing how long a learned MAC → VPG peer entry lives without traffic
 * @param busyPoll how long the event loop keeps polling after the last packet before it sleeps; zero (the default)
 *     sleeps at once. Polling saves a thread wakeup per packet (latency) at the price of a core spinning while
 *     traffic flows.
 * @param mssClamp whether TCP SYNs forwarded through the interface, either way, get their MSS lowered to what the
 *     interface's MTU carries (nftables)
 * @param masquerade whether traffic forwarded into the interface from other sources leaves with the interface's
 *     inner address (nftables), so the VPG needs no route back to them
 * @param probe how each VPG peer is checked ({@code probe}): what makes a peer up or down, and the agent ready
 * @param metricsListen a second admin endpoint with only {@code /metrics} and {@code /status}, for a metrics scraper
 *     and the operator (key {@code admin.metricsListen}); null: none
 * @param inbound what may arrive from the tunnel ({@code inbound}): {@link Inbound#DENY} (the default) lets in only
 *     replies to connections this side opened, ICMP echo to the inner address and what a node agent exposes;
 *     {@link Inbound#OPEN} lets everything in, as {@code gate_init_vxlan.sh} did
 */
public record Settings(
    int vni,
    int port,
    List<Ipv4> vpgPeers,
    String interfaceName,
    int mtu,
    List<Cidr> routes,
    Admin admin,
    Duration macAgeing,
    Duration busyPoll,
    boolean mssClamp,
    boolean masquerade,
    Probe probe,
    Admin metricsListen,
    Inbound inbound) {

  public static final int DEFAULT_PORT = 4789;
  public static final int DEFAULT_VNI = 10;
  public static final int DEFAULT_MTU = 1450;
  public static final String DEFAULT_INTERFACE = "simgate0";
  public static final Admin DEFAULT_ADMIN = new Admin("127.0.0.1", 9464);
  public static final Duration DEFAULT_MAC_AGEING = Duration.ofSeconds(300);
  public static final boolean DEFAULT_MSS_CLAMP = true;
  public static final boolean DEFAULT_MASQUERADE = false;
  public static final Inbound DEFAULT_INBOUND = Inbound.DENY;
  /** A busy-poll window longer than this is a spinning core in all but name: use a number that says so. */
  public static final int MAX_BUSY_POLL_MICROS = 100_000;
  /** Head-end replication copies every flooded frame to each VPG peer: keep that bounded. */
  public static final int MAX_VPG_PEERS = 16;

  /** {@code admin.listen}: an IPv4 host and a port. */
  public record Admin(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /**
   * How the agent checks that it can reach each VPG peer: every {@code interval} it sends each peer, and that peer
   * only, an ARP request for {@code address} (an inner address the VPG answers for); a peer that leaves
   * {@code failureThreshold} probes in a row unanswered is down, and one that answers again is up.
   *
   * @param address the inner IPv4 address asked for; null: the device subnet's first host address (see
   *     {@link AgentConfig#probeAddress()})
   */
  public record Probe(Kind kind, Ipv4 address, Duration interval, int failureThreshold) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);
    public static final int DEFAULT_FAILURE_THRESHOLD = 3;
    public static final Probe DEFAULT = new Probe(Kind.ARP, null, DEFAULT_INTERVAL, DEFAULT_FAILURE_THRESHOLD);

    /** What a probe is: a second kind (ICMP echo to an inner address) would be another value. */
    public enum Kind {
      /** An ARP request for the probe address, sent to one VPG peer. */
      ARP,
      /** No probing: every VPG peer counts as up, and the agent is ready once its interface is. */
      NONE;

      public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
      }
    }

    public Probe withAddress(Ipv4 value) {
      return new Probe(kind, value, interval, failureThreshold);
    }
  }

  /**
   * What the tunnel may bring in. VXLAN from the VPG is anything a SIM (or whoever reaches the VPG) sends: with
   * {@link #DENY} only replies to connections opened from this side (conntrack established/related), ICMP echo to the
   * inner address (rate-limited) and connections a node agent exposes (its conntrack mark) pass, to the node and to
   * what it routes; {@link #OPEN} is the old open door, for a host whose devices must open connections to it.
   */
  public enum Inbound {
    DENY, OPEN;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Settings {
    vpgPeers = List.copyOf(vpgPeers);
    routes = List.copyOf(routes);
    probe = probe == null ? Probe.DEFAULT : probe;
    inbound = inbound == null ? DEFAULT_INBOUND : inbound;
  }

  /** Every key but {@code inbound}, which takes its default (deny). */
  public Settings(int vni, int port, List<Ipv4> vpgPeers, String interfaceName, int mtu, List<Cidr> routes, Admin admin,
      Duration macAgeing, Duration busyPoll, boolean mssClamp, boolean masquerade, Probe probe, Admin metricsListen) {
    this(vni, port, vpgPeers, interfaceName, mtu, routes, admin, macAgeing, busyPoll, mssClamp, masquerade, probe,
        metricsListen, DEFAULT_INBOUND);
  }

  /** Every key but the probe, the metrics endpoint and {@code inbound}, which take their defaults. */
  public Settings(int vni, int port, List<Ipv4> vpgPeers, String interfaceName, int mtu, List<Cidr> routes, Admin admin,
      Duration macAgeing, Duration busyPoll, boolean mssClamp, boolean masquerade) {
    this(vni, port, vpgPeers, interfaceName, mtu, routes, admin, macAgeing, busyPoll, mssClamp, masquerade,
        Probe.DEFAULT, null, DEFAULT_INBOUND);
  }

  /** The defaults of every optional key, with these VPG peers. */
  public static Settings defaults(List<Ipv4> vpgPeers) {
    return new Settings(DEFAULT_VNI, DEFAULT_PORT, vpgPeers, DEFAULT_INTERFACE, DEFAULT_MTU, List.of(), DEFAULT_ADMIN,
        DEFAULT_MAC_AGEING, Duration.ZERO, DEFAULT_MSS_CLAMP, DEFAULT_MASQUERADE, Probe.DEFAULT, null, DEFAULT_INBOUND);
  }

  public Settings withVni(int value) {
    return new Settings(value, port, vpgPeers, interfaceName, mtu, routes, admin, macAgeing, busyPoll, mssClamp,
        masquerade, probe, metricsListen, inbound);
  }

  public Settings withVpgPeers(List<Ipv4> value) {
    return new Settings(vni, port, value, interfaceName, mtu, routes, admin, macAgeing, busyPoll, mssClamp,
        masquerade, probe, metricsListen, inbound);
  }

  public Settings withMtu(int value) {
    return new Settings(vni, port, vpgPeers, interfaceName, value, routes, admin, macAgeing, busyPoll, mssClamp,
        masquerade, probe, metricsListen, inbound);
  }

  public Settings withRoutes(List<Cidr> value) {
    return new Settings(vni, port, vpgPeers, interfaceName, mtu, value, admin, macAgeing, busyPoll, mssClamp,
        masquerade, probe, metricsListen, inbound);
  }

  public Settings withMssClamp(boolean value) {
    return new Settings(vni, port, vpgPeers, interfaceName, mtu, routes, admin, macAgeing, busyPoll, value,
        masquerade, probe, metricsListen, inbound);
  }

  public Settings withMasquerade(boolean value) {
    return new Settings(vni, port, vpgPeers, interfaceName, mtu, routes, admin, macAgeing, busyPoll, mssClamp,
        value, probe, metricsListen, inbound);
  }

  public Settings withProbe(Probe value) {
    return new Settings(vni, port, vpgPeers, interfaceName, mtu, routes, admin, macAgeing, busyPoll, mssClamp,
        masquerade, value, metricsListen, inbound);
  }

  public Settings withAdmin(Admin value, Admin metrics) {
    return new Settings(vni, port, vpgPeers, interfaceName, mtu, routes, value, macAgeing, busyPoll, mssClamp,
        masquerade, probe, metrics, inbound);
  }

  public Settings withInbound(Inbound value) {
    return new Settings(vni, port, vpgPeers, interfaceName, mtu, routes, admin, macAgeing, busyPoll, mssClamp,
        masquerade, probe, metricsListen, value);
  }

  public Settings withInterfaceName(String value) {
    return new Settings(vni, port, vpgPeers, value, mtu, routes, admin, macAgeing, busyPoll, mssClamp, masquerade,
        probe, metricsListen, inbound);
  }
}
