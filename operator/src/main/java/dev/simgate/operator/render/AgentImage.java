package dev.simgate.operator.render;

/**
 * The agent image a GatePeer gets when its {@code spec.agent} names none: the operator's setting (Helm value
 * {@code agent.image}, env {@code SIMGATE_AGENT_IMAGE}), so an upgrade of the chart moves every gate peer along.
 *
 * @param image container image
 * @param pullPolicy image pull policy, or null for the Kubernetes default
 */
public record AgentImage(String image, String pullPolicy) {
  public static final AgentImage DEFAULT = new AgentImage("simgate/agent:0.1.0", null);
}
