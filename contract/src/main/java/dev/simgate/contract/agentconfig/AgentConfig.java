package dev.simgate.contract.agentconfig;

/**
 * The agent config of one node: the standalone shape of the file, or the cluster shape resolved with the node's
 * name ({@link AgentConfigParser}). Written back by {@link AgentConfigWriter#write(AgentConfig)}.
 */
public record AgentConfig(Settings settings, NodeAddresses node) {

  public AgentConfig withSettings(Settings value) {
    return new AgentConfig(value, node);
  }
}
