package dev.simgate.agent.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.simgate.agent.forward.Stats;

/**
 * {@code /status}: the agent's state as JSON, what the operator reads into the GatePeer's and the VPG's status.
 *
 * <pre>{"ready":true,"reason":"2/2 VPG peers answer","vpgPeers":[{"address":"198.51.100.1","state":"up",
 *   "rttSeconds":0.00041,"probesSent":1200,"probeReplies":1198,"transitions":1}]}</pre>
 *
 * {@code rttSeconds} is the last answered probe's round trip (absent before the first).
 */
public final class AgentStatus {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AgentStatus() {}

  public static byte[] json(AgentMetrics.Sample sample) {
    ObjectNode root = JSON.createObjectNode();
    root.put("ready", sample.readiness().ok());
    root.put("reason", sample.readiness().reason());
    ArrayNode peers = root.putArray("vpgPeers");
    for (Stats.VpgPeerStats peer : sample.stats().vpgPeers()) {
      ObjectNode node = peers.addObject().put("address", peer.address()).put("state", peer.state());
      if (!Double.isNaN(peer.lastRtt())) {
        node.put("rttSeconds", peer.lastRtt());
      }
      node.put("probesSent", peer.probesSent()).put("probeReplies", peer.probeReplies())
          .put("transitions", peer.wentUp() + peer.wentDown());
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
