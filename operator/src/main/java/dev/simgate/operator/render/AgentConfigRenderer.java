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

/**
 * The cluster shape of the agent config for one GatePeer: the VPG's settings, and each node's outer and inner
 * address. Written by the shared {@link AgentConfigWriter}, which the agent's parser reads; output is deterministic
 * (sorted), so an unchanged input never changes the ConfigMap.
 */
public final class AgentConfigRenderer {
  public static final String CONFIG_KEY = "agent.yaml";
  /** Probes reach the admin port on the node's IP. */
  public static final Settings.Admin ADMIN = new Settings.Admin("0.0.0.0", 9464);

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
        Settings.DEFAULT_MAC_AGEING, Duration.ZERO, Settings.DEFAULT_MSS_CLAMP, masquerade);
    var perNode = new TreeMap<String, NodeAddresses>();
    nodes.forEach(n -> perNode.put(n.node(),
        new NodeAddresses(n.outerAddress(), new Cidr(n.innerAddress(), prefix))));
    return new ClusterConfig(settings, perNode);
  }
}
