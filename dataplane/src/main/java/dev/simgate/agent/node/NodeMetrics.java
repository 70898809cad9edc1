package dev.simgate.agent.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.simgate.agent.admin.Health;
import dev.simgate.contract.nodepolicy.NodePolicy;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * The node agent's {@code /metrics} and {@code /status}. Labels are bounded: {@code reason} takes the values below,
 * {@code result} applied|rejected, {@code state} up|pending|down (gates are counted, not named: every node probes every
 * gate), {@code owner} the DeviceSubnets ({@code namespace/name}) that give pods on this node access, at most
 * {@value OwnerCounters#MAX_OWNERS} (declared objects, not anything traffic chooses).
 */
final class NodeMetrics {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One scrape's worth of state. */
  record Sample(NodeAgent.View view, Health readiness, long updatesApplied, long updatesRejected,
      Map<String, Long> counters, Map<String, String> ownerCounters, List<GateProbes.GateStat> gates,
      long probesAnswered, SortedSet<String> gateInterfaces, String source) {}

  private NodeMetrics() {}

  static MetricSnapshots snapshots(Sample sample) {
    Map<String, Long> counters = sample.counters();
    var drops = CounterSnapshot.builder().name("simgate_node_dropped_packets")
        .help("Packets the node agent's rules dropped, by reason (no_access: a pod sent to a device CIDR it may not"
            + " reach; steering_non_node: steering VXLAN from an address that is not a node)");
    for (String reason : List.of(NodeRuleset.NO_ACCESS, NodeRuleset.STEERING_NON_NODE)) {
      long owned = reason.equals(NodeRuleset.NO_ACCESS)
          ? sample.ownerCounters().values().stream().mapToLong(name -> counters.getOrDefault(name, 0L)).sum() : 0;
      drops.dataPoint(counter(counters.getOrDefault(reason, 0L) + owned, Labels.of("reason", reason)));
    }
    var denied = CounterSnapshot.builder().name("simgate_node_access_denied_packets")
        .help("Packets refused for lack of access, by the DeviceSubnet whose CIDR they were sent to (those that give"
            + " pods on this node access; the rest count only in simgate_node_dropped_packets_total)");
    sample.ownerCounters().forEach((owner, name) ->
        denied.dataPoint(counter(counters.getOrDefault(name, 0L), Labels.of("owner", owner))));
    NodePolicy policy = sample.view().inForce();
    var gates = GaugeSnapshot.builder().name("simgate_node_gates")
        .help("Gate nodes this node steers to, by probe state (pending and up carry traffic)");
    for (String state : List.of("up", "pending", "down")) {
      gates.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("state", state))
          .value(sample.gates().stream().filter(g -> g.state().equals(state)).count()).build());
    }
    return MetricSnapshots.of(
        gauge("simgate_node_ready", "1 when the node's latest policy is in force", sample.readiness().ok() ? 1 : 0),
        CounterSnapshot.builder().name("simgate_node_policy_updates")
            .help("Policy documents applied or refused (invalid, or another node's)")
            .dataPoint(counter(sample.updatesApplied(), Labels.of("result", "applied")))
            .dataPoint(counter(sample.updatesRejected(), Labels.of("result", "rejected"))).build(),
        drops.build(),
        denied.build(),
        CounterSnapshot.builder().name("simgate_node_exposed_connections")
            .help("Connections from SIMs translated to an exposed Service")
            .dataPoint(counter(counters.getOrDefault(NodeRuleset.EXPOSED, 0L), Labels.EMPTY)).build(),
        CounterSnapshot.builder().name("simgate_node_probes_answered")
            .help("Gate liveness probes of other nodes this node answered (as a gate node)")
            .dataPoint(counter(sample.probesAnswered(), Labels.EMPTY)).build(),
        gauge("simgate_node_access_entries", "Pod address . device CIDR pairs allowed on this node",
            policy == null ? 0 : NodeAgent.accessEntries(policy)),
        gauge("simgate_node_exposures", "Exposures this node translates",
            policy == null ? 0 : policy.exposures().size()),
        gates.build(),
        gauge("simgate_node_policy_apply_seconds", "How long the last policy apply took on the host",
            sample.view().lastApplySeconds()));
  }

  static byte[] status(Sample sample) {
    ObjectNode root = JSON.createObjectNode();
    root.put("ready", sample.readiness().ok()).put("reason", sample.readiness().reason())
        .put("source", sample.source());
    NodePolicy policy = sample.view().inForce();
    if (policy != null) {
      root.putObject("policy").put("node", policy.node()).put("accessEntries", NodeAgent.accessEntries(policy))
          .put("steering", policy.steering() != null).put("gate", NodeRuleset.isGate(policy))
          .put("exposures", policy.exposures().size());
    }
    var gates = root.putArray("gates");
    sample.gates().forEach(g -> gates.addObject().put("node", g.node()).put("innerAddress", g.address().toString())
        .put("state", g.state()).put("probesSent", g.probesSent()).put("answers", g.answers()));
    var interfaces = root.putArray("gateInterfaces");
    sample.gateInterfaces().forEach(interfaces::add);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CounterDataPointSnapshot counter(long value, Labels labels) {
    return CounterDataPointSnapshot.builder().value(value).labels(labels).build();
  }

  private static GaugeSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder().name(name).help(help)
        .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
  }
}
