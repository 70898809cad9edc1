package dev.simgate.operator.render;

import static java.util.Objects.requireNonNullElse;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

import dev.simgate.contract.agentconfig.AgentConfigWriter;
import dev.simgate.contract.agentconfig.ClusterConfig;
import dev.simgate.contract.agentconfig.NodeAddresses;
import dev.simgate.contract.agentconfig.Settings;
import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGatewaySpec;
import dev.simgate.operator.api.v1alpha1.VpgProbe;

/**
 * The cluster shape of the agent config for one GatePeer: the VPG's settings, and each node's outer and inner
 * address. Written by the shared {@link AgentConfigWriter}, which the agent's parser reads; output is deterministic
 * (sorted), so an unchanged input never changes the ConfigMap.
 */
public final class AgentConfigRenderer {
  public static final String CONFIG_KEY = "agent.yaml";
  /**
   * The kubelet's probes reach the agent on the node's loopback (hostNetwork; the DaemonSet's probes set host
   * 127.0.0.1): nothing else on the network needs /healthz and /readyz, and a client that could hold them would get
   * the agent restarted.
   */
  public static final Settings.Admin ADMIN = new Settings.Admin("127.0.0.1", 9464);
  /**
   * /metrics and /status, read-only, for a metrics scraper and the operator's status poller, on every address of the
   * node (the agent's nftables table drops connections to it from the tunnel).
   */
  public static final Settings.Admin METRICS = new Settings.Admin("0.0.0.0", 9465);

  private AgentConfigRenderer() {}

  /**
   * @param vpg the VPG's spec
   * @param interfaceName the GatePeer's interface name
   * @param routes device CIDRs of the DeviceSubnets that use the VPG
   * @param nodes gate nodes that have both an outer and an inner address
   */
  public static String render(VirtualPrivateGatewaySpec vpg, String interfaceName, Collection<Cidr> routes,
      Collection<NodeEndpoint> nodes) {
    return AgentConfigWriter.write(config(vpg, interfaceName, routes, nodes));
  }

  public static ClusterConfig config(VirtualPrivateGatewaySpec vpg, String interfaceName, Collection<Cidr> routes,
      Collection<NodeEndpoint> nodes) {
    int prefix = Cidr.parse(vpg.deviceSubnet).prefix();
    List<Ipv4> vpgPeers = vpg.peers.stream().map(Ipv4::parse).toList();
    List<Cidr> sortedRoutes = routes.stream().distinct().sorted(Comparator.comparing(Cidr::toString)).toList();
    // Pods on a gate node reach SIMs with the node's inner address (masquerade): the VPG has no route to pod networks.
    boolean masquerade = true;
    Settings settings = new Settings(
        requireNonNullElse(vpg.vni, Settings.DEFAULT_VNI), requireNonNullElse(vpg.port, Settings.DEFAULT_PORT),
        vpgPeers, interfaceName, requireNonNullElse(vpg.mtu, Settings.DEFAULT_MTU), sortedRoutes, ADMIN,
        Settings.DEFAULT_MAC_AGEING, Duration.ZERO, Settings.DEFAULT_MSS_CLAMP, masquerade, probe(vpg.probe), METRICS);
    var perNode = new TreeMap<String, NodeAddresses>();
    nodes.forEach(n -> perNode.put(n.node(),
        new NodeAddresses(n.outerAddress(), new Cidr(n.innerAddress(), prefix))));
    return new ClusterConfig(settings, perNode);
  }

  /** The VPG's probe settings, each unset one the agent's default. */
  static Settings.Probe probe(VpgProbe probe) {
    Settings.Probe defaults = Settings.Probe.DEFAULT;
    if (probe == null) {
      return defaults;
    }
    return new Settings.Probe("none".equals(probe.kind) ? Settings.Probe.Kind.NONE : Settings.Probe.Kind.ARP,
        probe.address == null ? null : Ipv4.parse(probe.address),
        probe.intervalMillis == null ? defaults.interval() : Duration.ofMillis(probe.intervalMillis),
        requireNonNullElse(probe.failureThreshold, defaults.failureThreshold()));
  }
}
