package dev.simgate.operator.gatepeer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.simgate.operator.Fixtures;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.GatePeerStatus;
import dev.simgate.operator.api.v1alpha1.NodeStatus;
import dev.simgate.operator.api.v1alpha1.VpgPeerReachability;
import dev.simgate.operator.api.v1alpha1.VpgPeerStatus;

/** How the agents' reports become status: per node, per VPG, the transitions that become Events, and when to write. */
class PeerReachabilityTest {
  private static final String P1 = "100.64.152.4";
  private static final String P2 = "100.64.152.132";

  @Test
  void anAgentsStatusBecomesItsNodesVpgPeers() throws Exception {
    AgentReports.Report report = AgentStatusPoller.parse("""
        {"ready":true,"reason":"1/2 VPG peers answer","vpgPeers":[
          {"address":"100.64.152.4","state":"up","rttSeconds":0.00123456,"probesSent":9,"probeReplies":9,"transitions":1},
          {"address":"100.64.152.132","state":"down","probesSent":9,"probeReplies":0,"transitions":1}]}""");
    assertThat(report.ready()).isTrue();
    assertThat(PeerReachability.ofNode(report)).containsExactly(
        new VpgPeerStatus(P1, true, "up", 1.2), new VpgPeerStatus(P2, false, "down", null));
  }

  @Test
  void aPeerThatStopsOrStartsAnsweringOnANodeIsATransition() {
    var before = List.of(node("n1", peer(P1, true), peer(P2, true)), node("n2", peer(P1, true)));
    var after = List.of(node("n1", peer(P1, true), peer(P2, false)), node("n2", peer(P1, true)), node("n3", peer(P1, false)));
    assertThat(PeerReachability.transitions(before, after)).as("n3 had no report before: no transition")
        .containsExactly(new PeerReachability.Transition(true, "n1", P2));
    assertThat(PeerReachability.transitions(after, before)).containsExactly(new PeerReachability.Transition(false, "n1", P2));
    assertThat(PeerReachability.unreachable(after)).isEqualTo(
        "VPG peer 100.64.152.4 unreachable from 1/3 nodes, VPG peer 100.64.152.132 unreachable from 1/1 nodes");
    assertThat(PeerReachability.unreachable(before)).isNull();
  }

  @Test
  void theVpgCountsTheGateNodesThatReachEachPeer() {
    GatePeer a = gatePeer(node("n1", peer(P1, true, 1.5), peer(P2, false)), node("n2", peer(P1, true, 3.0), peer(P2, false)));
    GatePeer b = gatePeer(node("n3", peer(P1, true, 0.5), peer(P2, true, 0.7)));
    assertThat(PeerReachability.ofVpg(List.of(P1, P2), List.of(a, b))).containsExactly(
        new VpgPeerReachability(P1, 3, 3, 3.0), new VpgPeerReachability(P2, 3, 1, 0.7));
    assertThat(PeerReachability.ofVpg(List.of(P1, P2), List.of(gatePeer(new NodeStatus("n1", null, null, false, null)))))
        .as("no agent reported: nothing to say").isNull();
  }

  @Test
  void roundTripTimesAloneAreNotAStateChange() {
    var reports = new AgentReports();
    var up = new AgentReports.Report(true, "ok", List.of(new AgentReports.PeerReport(P1, "up", 0.001)));
    assertThat(reports.put("gp", "n1", up)).isEqualTo(AgentReports.Change.STATE);
    assertThat(reports.put("gp", "n1", up)).isEqualTo(AgentReports.Change.NONE);
    assertThat(reports.put("gp", "n1", new AgentReports.Report(true, "ok",
        List.of(new AgentReports.PeerReport(P1, "up", 0.002))))).isEqualTo(AgentReports.Change.RTT);
    assertThat(reports.put("gp", "n1", new AgentReports.Report(true, "ok",
        List.of(new AgentReports.PeerReport(P1, "down", 0.002))))).isEqualTo(AgentReports.Change.STATE);
    assertThat(reports.forget("gp", "n1")).isEqualTo(AgentReports.Change.STATE);
    assertThat(reports.get("gp", "n1")).isEmpty();
  }

  private static VpgPeerStatus peer(String address, boolean reachable) {
    return peer(address, reachable, null);
  }

  private static VpgPeerStatus peer(String address, boolean reachable, Double rtt) {
    return new VpgPeerStatus(address, reachable, reachable ? "up" : "down", rtt);
  }

  private static NodeStatus node(String name, VpgPeerStatus... peers) {
    return new NodeStatus(name, "198.51.100.2", "10.255.255.1", true, null, List.of(peers));
  }

  private static GatePeer gatePeer(NodeStatus... nodes) {
    GatePeer gatePeer = Fixtures.gatePeer("gp", "vpg", "10.255.255.0/24");
    gatePeer.setStatus(new GatePeerStatus());
    gatePeer.getStatus().nodes.addAll(List.of(nodes));
    return gatePeer;
  }
}
