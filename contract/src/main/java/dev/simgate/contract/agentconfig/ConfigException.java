package dev.simgate.contract.agentconfig;

/** A configuration that cannot be used; the message names the offending key. */
public class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
