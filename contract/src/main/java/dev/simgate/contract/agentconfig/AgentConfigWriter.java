package dev.simgate.contract.agentconfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Map;

/**
 * Writes the agent config as {@link AgentConfigParser} reads it, in a fixed key order, so equal configs give equal
 * text (an unchanged GatePeer never rewrites its ConfigMap). What identifies the tunnel ({@code vni}, {@code port},
 * {@code peers}, {@code interface.name}, {@code routes}, {@code admin}) is always written, so a file reads on its
 * own; tuning keys ({@code interface.mtu}, {@code macAgeingSeconds}, {@code busyPollMicros}, {@code mssClamp},
 * {@code masquerade}, {@code probe}, {@code inbound}, {@code admin.metricsListen}) only where they differ from the agent's default. Parsing what was written gives the same
 * records back.
 */
public final class AgentConfigWriter {
  private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build());

  private AgentConfigWriter() {}

  /** The standalone shape: one node's file. */
  public static String write(AgentConfig config) {
    return text(tree(config));
  }

  /** The cluster shape: shared settings and one entry per node. */
  public static String write(ClusterConfig config) {
    return text(tree(config));
  }

  /** The standalone shape as a YAML tree, for tests that must write what no record can hold (a broken key). */
  public static ObjectNode tree(AgentConfig config) {
    return settings(config.settings(), config.node());
  }

  public static ObjectNode tree(ClusterConfig config) {
    ObjectNode root = settings(config.settings(), null);
    ObjectNode nodes = root.putObject(Keys.NODES);
    for (Map.Entry<String, NodeAddresses> entry : config.nodes().entrySet()) {
      nodes.putObject(entry.getKey())
          .put(Keys.LOCAL_ADDRESS, entry.getValue().localAddress().toString())
          .put(Keys.ADDRESS, entry.getValue().interfaceAddress().toString());
    }
    return root;
  }

  public static String text(ObjectNode tree) {
    try {
      return YAML.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the agent config", e);
    }
  }

  /** Top-level keys in the documented order; {@code node} (standalone) adds its addresses where they belong. */
  private static ObjectNode settings(Settings s, NodeAddresses node) {
    ObjectNode root = YAML.createObjectNode();
    root.put(Keys.VNI, s.vni());
    root.put(Keys.PORT, s.port());
    if (node != null) {
      root.put(Keys.LOCAL_ADDRESS, node.localAddress().toString());
    }
    ArrayNode peers = root.putArray(Keys.PEERS);
    s.vpgPeers().forEach(peer -> peers.add(peer.toString()));
    ObjectNode iface = root.putObject(Keys.INTERFACE).put(Keys.NAME, s.interfaceName());
    if (node != null) {
      iface.put(Keys.ADDRESS, node.interfaceAddress().toString());
    }
    if (s.mtu() != Settings.DEFAULT_MTU) {
      iface.put(Keys.MTU, s.mtu());
    }
    ArrayNode routes = root.putArray(Keys.ROUTES);
    s.routes().forEach(route -> routes.add(route.toString()));
    ObjectNode admin = root.putObject(Keys.ADMIN).put(Keys.LISTEN, s.admin().toString());
    if (s.metricsListen() != null) {
      admin.put(Keys.METRICS_LISTEN, s.metricsListen().toString());
    }
    if (!s.macAgeing().equals(Settings.DEFAULT_MAC_AGEING)) {
      root.put(Keys.MAC_AGEING_SECONDS, s.macAgeing().toSeconds());
    }
    if (!s.busyPoll().isZero()) {
      root.put(Keys.BUSY_POLL_MICROS, s.busyPoll().toNanos() / 1000);
    }
    if (s.mssClamp() != Settings.DEFAULT_MSS_CLAMP) {
      root.put(Keys.MSS_CLAMP, s.mssClamp());
    }
    if (s.masquerade() != Settings.DEFAULT_MASQUERADE) {
      root.put(Keys.MASQUERADE, s.masquerade());
    }
    if (!s.probe().equals(Settings.Probe.DEFAULT)) {
      root.set(Keys.PROBE, probe(s.probe()));
    }
    if (s.inbound() != Settings.DEFAULT_INBOUND) {
      root.put(Keys.INBOUND, s.inbound().label());
    }
    return root;
  }

  /** The probe's keys that differ from the defaults. */
  private static ObjectNode probe(Settings.Probe probe) {
    ObjectNode node = YAML.createObjectNode();
    Settings.Probe defaults = Settings.Probe.DEFAULT;
    if (probe.kind() != defaults.kind()) {
      node.put(Keys.KIND, probe.kind().label());
    }
    if (probe.address() != null) {
      node.put(Keys.ADDRESS, probe.address().toString());
    }
    if (!probe.interval().equals(defaults.interval())) {
      node.put(Keys.INTERVAL_MILLIS, probe.interval().toMillis());
    }
    if (probe.failureThreshold() != defaults.failureThreshold()) {
      node.put(Keys.FAILURE_THRESHOLD, probe.failureThreshold());
    }
    return node;
  }
}
