package dev.simgate.contract.agentconfig;

/**
 * The cluster-shaped config has no entry for this node yet. Not a mistake in the file: the operator
 * writes a node's entry once it has an inner address, and the kubelet delivers ConfigMap updates
 * with a delay, so the agent waits for the entry instead of failing.
 */
public final class MissingNodeEntryException extends ConfigException {
  public MissingNodeEntryException(String message) {
    super(message);
  }
}
