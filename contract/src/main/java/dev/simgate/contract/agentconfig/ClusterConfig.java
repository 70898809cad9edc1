package dev.simgate.contract.agentconfig;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The cluster shape of the agent config, which the operator writes into a GatePeer's ConfigMap: the shared settings
 * and, per node name, that node's addresses. Each agent picks its own entry ({@link AgentConfigParser}).
 */
public record ClusterConfig(Settings settings, SortedMap<String, NodeAddresses> nodes) {
  public ClusterConfig {
    nodes = Collections.unmodifiableSortedMap(new TreeMap<>(nodes));
  }
}
