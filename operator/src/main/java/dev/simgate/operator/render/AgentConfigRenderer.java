package dev.simgate.operator.render;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
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
    Settings settings = new Settings(vpg.vni, vpg.port, vpg.peers.stream().map(Ipv4::parse).toList(), interfaceName,
        vpg.mtu != null ? vpg.mtu : Settings.DEFAULT_MTU,
        routes.stream().distinct().sorted(Comparator.comparing(Cidr::toString)).toList(), ADMIN,
        Settings.DEFAULT_MAC_AGEING, Duration.ZERO, Settings.DEFAULT_MSS_CLAMP,
        // Pods on a gate node reach SIMs with the node's inner address: the VPG has no route to pod networks.
        true);
    var perNode = new TreeMap<String, NodeAddresses>();
    nodes.forEach(n -> perNode.put(n.node(),
        new NodeAddresses(n.outerAddress(), new Cidr(n.innerAddress(), prefix))));
    return new ClusterConfig(settings, perNode);
  }
}
