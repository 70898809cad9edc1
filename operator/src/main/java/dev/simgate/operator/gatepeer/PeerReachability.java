package dev.simgate.operator.gatepeer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.NodeStatus;
import dev.simgate.operator.api.v1alpha1.VpgPeerReachability;
import dev.simgate.operator.api.v1alpha1.VpgPeerStatus;

/** VPG peer reachability in status: per gate node from its agent's report, per VPG from its GatePeers. Pure. */
public final class PeerReachability {
  private PeerReachability() {}

  /** A VPG peer that became unreachable ({@code down}) or reachable again from a gate node. */
  public record Transition(boolean down, String node, String peer) {
    public String message() {
      return down ? "VPG peer " + peer + " stopped answering the agent on node " + node
          : "VPG peer " + peer + " answers the agent on node " + node + " again";
    }
  }

  /** The node's VPG peers as its agent reported them; RTT in milliseconds, to 0.1 ms. */
  static List<VpgPeerStatus> ofNode(AgentReports.Report report) {
    return report.vpgPeers().stream().map(peer -> new VpgPeerStatus(peer.address(), peer.reachable(), peer.state(),
        peer.rttSeconds() == null ? null : Math.round(peer.rttSeconds() * 10_000) / 10.0)).toList();
  }

  /** VPG peers that became unreachable or reachable again from a node, between two statuses of a GatePeer. */
  public static List<Transition> transitions(List<NodeStatus> before, List<NodeStatus> after) {
    Map<String, Boolean> was = new LinkedHashMap<>();
    for (NodeStatus node : before) {
      for (VpgPeerStatus peer : peers(node)) {
        was.put(node.name() + " " + peer.address(), peer.reachable());
      }
    }
    List<Transition> transitions = new ArrayList<>();
    for (NodeStatus node : after) {
      for (VpgPeerStatus peer : peers(node)) {
        Boolean before1 = was.get(node.name() + " " + peer.address());
        if (before1 != null && before1 != peer.reachable()) {
          transitions.add(new Transition(!peer.reachable(), node.name(), peer.address()));
        }
      }
    }
    return transitions;
  }

  /** Each of the VPG's peers as the gate nodes of its GatePeers report them; null when no node reports. */
  public static List<VpgPeerReachability> ofVpg(List<String> peers, List<GatePeer> gatePeers) {
    List<VpgPeerReachability> result = new ArrayList<>();
    boolean anyReport = false;
    for (String address : peers) {
      int nodes = 0;
      int reachable = 0;
      Double maxRtt = null;
      for (GatePeer gatePeer : gatePeers) {
        if (gatePeer.getStatus() == null) {
          continue;
        }
        for (NodeStatus node : gatePeer.getStatus().nodes) {
          for (VpgPeerStatus peer : peers(node)) {
            if (peer.address().equals(address)) {
              nodes++;
              if (peer.reachable()) {
                reachable++;
                maxRtt = peer.rttMillis() == null ? maxRtt
                    : Math.max(Objects.requireNonNullElse(maxRtt, 0.0), peer.rttMillis());
              }
            }
          }
        }
      }
      anyReport |= nodes > 0;
      result.add(new VpgPeerReachability(address, nodes, reachable, maxRtt));
    }
    return anyReport ? result : null;
  }

  /** A one-line summary of peers that some gate node cannot reach, or null when every report says reachable. */
  static String unreachable(List<NodeStatus> nodes) {
    Map<String, int[]> byPeer = new LinkedHashMap<>(); // peer -> {unreachable from, reported by}
    for (NodeStatus node : nodes) {
      for (VpgPeerStatus peer : peers(node)) {
        int[] counts = byPeer.computeIfAbsent(peer.address(), k -> new int[2]);
        counts[1]++;
        if (!peer.reachable()) {
          counts[0]++;
        }
      }
    }
    List<String> parts = new ArrayList<>();
    byPeer.forEach((peer, counts) -> {
      if (counts[0] > 0) {
        parts.add("VPG peer " + peer + " unreachable from " + counts[0] + "/" + counts[1] + " nodes");
      }
    });
    return parts.isEmpty() ? null : String.join(", ", parts);
  }

  private static List<VpgPeerStatus> peers(NodeStatus node) {
    return node.vpgPeers() == null ? List.of() : node.vpgPeers();
  }
}
