package dev.simgate.operator;

import java.time.Clock;

import dev.simgate.operator.render.AgentImage;

/**
 * Settings shared by the reconcilers.
 *
 * @param namespace namespace of the agent DaemonSets, ConfigMaps and RBAC (the operator's own namespace)
 * @param agentImage the agent image of GatePeers that name none
 */
public record OperatorSettings(String namespace, AgentImage agentImage, Clock clock) {
  public static final String DEFAULT_NAMESPACE = "simgate-system";

  public OperatorSettings(String namespace, Clock clock) {
    this(namespace, AgentImage.DEFAULT, clock);
  }
}
