package dev.simgate.operator;

import java.time.Clock;

/**
 * Settings shared by the reconcilers.
 *
 * @param namespace namespace of the agent DaemonSets, ConfigMaps and RBAC (the operator's own namespace)
 */
public record OperatorSettings(String namespace, Clock clock) {
  public static final String DEFAULT_NAMESPACE = "simgate-system";
}
