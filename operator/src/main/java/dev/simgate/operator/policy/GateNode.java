package dev.simgate.operator.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import dev.simgate.contract.net.Ipv4;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.NodeStatus;

/**
 * A node that runs a gate agent for a VPG: one that its GatePeer lists with an outer and an inner address (so it is in
 * the agent's config), and whether that agent is ready (GatePeer {@code status.nodes[].ready}: the agent pod is Ready
 * and the agent says its tunnel works).
 */
public record GateNode(String node, String vpg, Ipv4 innerAddress, boolean ready) {
  public static final Comparator<GateNode> ORDER = Comparator.comparing(GateNode::vpg).thenComparing(GateNode::node);

  /** The gate nodes of every GatePeer, sorted by VPG and node. */
  public static List<GateNode> of(Collection<GatePeer> gatePeers) {
    List<GateNode> gates = new ArrayList<>();
    for (GatePeer gatePeer : gatePeers) {
      if (gatePeer.getStatus() == null || gatePeer.getSpec() == null) {
        continue;
      }
      for (NodeStatus node : gatePeer.getStatus().nodes) {
        Ipv4 inner = node.innerAddress() == null ? null : Ipv4.parseOrNull(node.innerAddress());
        if (inner != null && node.outerAddress() != null) {
          gates.add(new GateNode(node.name(), gatePeer.getSpec().vpgRef, inner, node.ready()));
        }
      }
    }
    gates.sort(ORDER);
    return List.copyOf(gates);
  }
}
