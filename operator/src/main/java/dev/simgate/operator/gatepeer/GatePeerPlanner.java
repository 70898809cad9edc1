package dev.simgate.operator.gatepeer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.NodeStatus;
import dev.simgate.operator.api.v1alpha1.OuterAddress;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.ipam.InnerAddressAllocator;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.render.AgentConfigRenderer;
import dev.simgate.operator.render.AgentImage;
import dev.simgate.operator.render.NodeEndpoint;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;

/** Pure: turns a valid GatePeer, its VPG, the selected nodes and the device routes into a {@link GatePeerPlan}. */
public final class GatePeerPlanner {
  private GatePeerPlanner() {}

  /**
   * @param selectedNodes nodes matching the GatePeer's nodeSelector
   * @param routes device CIDRs of the ready DeviceSubnets on the VPG
   * @param reserved inner addresses held by other GatePeers of the same VPG
   * @param claimed selected nodes that an older GatePeer already runs its agent on, with that GatePeer's name: two
   *     agents on one node would fight over port 9464 and the host's routes, so these nodes are left out
   */
  public static GatePeerPlan plan(GatePeer gatePeer, String namespace, AgentImage agentImage, VirtualPrivateGateway vpg,
      Collection<Node> selectedNodes, Collection<Cidr> routes, Set<String> reserved, Map<String, String> claimed) {
    Map<String, String> recorded = new HashMap<>();
    if (gatePeer.getStatus() != null) {
      gatePeer.getStatus().nodes.stream()
          .filter(n -> n.innerAddress() != null)
          .forEach(n -> recorded.put(n.name(), n.innerAddress()));
    }
    Map<String, Node> byName = new TreeMap<>();
    selectedNodes.forEach(n -> byName.put(n.getMetadata().getName(), n));
    Set<String> eligible = new TreeSet<>(byName.keySet());
    eligible.removeAll(claimed.keySet());
    var allocation = InnerAddressAllocator.allocate(
        Cidr.parse(gatePeer.getSpec().innerAddressPool).network(), eligible, recorded, reserved);

    OuterAddress source = gatePeer.getSpec().outerAddress == null ? new OuterAddress() : gatePeer.getSpec().outerAddress;
    List<NodeStatus> nodes = new ArrayList<>();
    List<NodeEndpoint> endpoints = new ArrayList<>();
    List<String> missingOuter = new ArrayList<>();
    byName.forEach((name, node) -> {
      Optional<String> outer = outerAddress(node, source);
      String inner = allocation.assigned().get(name);
      String message = null;
      if (claimed.containsKey(name)) {
        message = "node already runs the agent of GatePeer '" + claimed.get(name) + "'";
      } else if (outer.isEmpty()) {
        missingOuter.add(name);
        message = "no outer address: " + describe(source) + " is missing or not an IPv4 address";
      } else if (inner == null) {
        message = "no inner address: innerAddressPool " + gatePeer.getSpec().innerAddressPool + " is exhausted";
      } else {
        endpoints.add(new NodeEndpoint(name, outer.get(), inner));
      }
      nodes.add(new NodeStatus(name, outer.orElse(null), inner, false, message));
    });
    String yaml = AgentConfigRenderer.render(vpg.getSpec(), gatePeer.getSpec().interfaceName, routes, endpoints);
    return new GatePeerPlan(gatePeer.getMetadata().getName(), namespace, agentImage, gatePeer.getSpec(), yaml, List.copyOf(nodes),
        allocation.unallocated(), List.copyOf(new LinkedHashSet<>(missingOuter)), Map.copyOf(claimed));
  }

  /** A node's outer (underlay) address as {@code source} says where it comes from. */
  public static Optional<String> outerAddress(Node node, OuterAddress source) {
    if (source.source == OuterAddress.Source.Annotation) {
      var annotations = node.getMetadata().getAnnotations();
      String value = annotations == null ? null : annotations.get(source.annotation);
      return Optional.ofNullable(value).map(String::trim).filter(Ipv4::isValid);
    }
    String type = source.source == null ? "InternalIP" : source.source.name();
    if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
      return Optional.empty();
    }
    return node.getStatus().getAddresses().stream()
        .filter(a -> type.equals(a.getType()))
        .map(NodeAddress::getAddress)
        .filter(Ipv4::isValid)
        .findFirst();
  }

  private static String describe(OuterAddress source) {
    return source.source == OuterAddress.Source.Annotation
        ? "annotation '" + source.annotation + "'"
        : "status.addresses type " + (source.source == null ? "InternalIP" : source.source);
  }
}
