package dev.simgate.operator.render;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.simgate.operator.api.v1alpha1.VirtualPrivateGatewaySpec;
import dev.simgate.operator.ipam.Ipv4Cidr;

/**
 * Renders the cluster shape of the agent config (contract 2): the standalone keys, with localAddress and
 * interface.address coming from a per-node map. Output is deterministic (sorted), so an unchanged input never
 * changes the ConfigMap.
 */
public final class AgentConfigRenderer {
  public static final String CONFIG_KEY = "agent.yaml";
  public static final String ADMIN_LISTEN = "0.0.0.0:9464";
  private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build());

  private AgentConfigRenderer() {}

  /**
   * @param vpg the VPG's spec
   * @param interfaceName the GatePeer's interface name
   * @param routes device CIDRs of the DeviceSubnets that use the VPG
   * @param nodes gate nodes that have both an outer and an inner address
   */
  public static String render(VirtualPrivateGatewaySpec vpg, String interfaceName, Collection<Ipv4Cidr> routes,
      Collection<NodeEndpoint> nodes) {
    int prefix = Ipv4Cidr.parse(vpg.deviceSubnet).prefixLength();
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("vni", vpg.vni);
    config.put("port", vpg.port);
    config.put("peers", List.copyOf(vpg.peers));
    Map<String, Object> iface = new LinkedHashMap<>();
    iface.put("name", interfaceName);
    if (vpg.mtu != null) {
      iface.put("mtu", vpg.mtu);
    }
    config.put("interface", iface);
    List<String> routeList = new ArrayList<>();
    new TreeSet<>(routes.stream().map(Ipv4Cidr::toString).toList()).forEach(routeList::add);
    config.put("routes", routeList);
    config.put("admin", Map.of("listen", ADMIN_LISTEN));
    // Pods on a gate node reach SIMs with the node's inner address: the VPG has no route to pod networks.
    config.put("masquerade", true);
    Map<String, Object> perNode = new LinkedHashMap<>();
    nodes.stream()
        .sorted(Comparator.comparing(NodeEndpoint::node))
        .forEach(n -> {
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("localAddress", n.outerAddress());
          entry.put("address", n.innerAddress() + "/" + prefix);
          perNode.put(n.node(), entry);
        });
    config.put("nodes", perNode);
    try {
      return YAML.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render agent config", e);
    }
  }
}
