package dev.simgate.contract.agentconfig;

import dev.simgate.contract.net.Ipv4;

/**
 * The agent config of one node: the standalone shape of the file, or the cluster shape resolved with the node's
 * name ({@link AgentConfigParser}). Written back by {@link AgentConfigWriter#write(AgentConfig)}.
 */
public record AgentConfig(Settings settings, NodeAddresses node) {

  public AgentConfig withSettings(Settings value) {
    return new AgentConfig(value, node);
  }

  /**
   * The inner address the VPG peers are probed for: {@code probe.address}, else the device subnet's first host
   * address (network + 1; 10.128.0.1 for SORACOM's default 10.128.0.0/9). Which inner addresses a real VPG answers
   * ARP for is not documented (dataplane/README.md, "Probing"), so the default is a guess that the key can correct.
   */
  public Ipv4 probeAddress() {
    Ipv4 configured = settings.probe().address();
    return configured != null ? configured : node.interfaceAddress().firstHost();
  }
}
