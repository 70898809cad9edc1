package dev.simgate.lab;

import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.AgentConfigWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged agent ({@code java -jar simgate-agent.jar --config FILE}) running in a lab's gate node namespace
 * ({@code node}, or {@code node2}), with its admin endpoint read through curl inside that namespace.
 */
public final class AgentProcess extends LabJvm {
  private final Path config;

  private AgentProcess(Lab lab, String role, Process process, Path config, Path log) {
    super(lab, role, log, "http://127.0.0.1:9464", "agent");
    this.process = process;
    this.config = config;
  }

  /** Starts the agent in gate node {@code role} with {@code config} and waits until /readyz says ready. */
  public static AgentProcess start(Lab lab, String role, AgentConfig config) throws IOException {
    Path dir = Files.createTempDirectory(lab.workDir(), "agent-");
    Path file = dir.resolve("agent.yaml");
    Files.writeString(file, AgentConfigWriter.write(config));
    AgentProcess agent = launch(lab, role, file, Map.of());
    try {
      agent.awaitReady(Duration.ofSeconds(30));
    } catch (IOException | RuntimeException e) {
      agent.close();
      throw e;
    }
    return agent;
  }

  /** Starts the agent with {@code config} as its config file and waits until /readyz says ready. */
  public static AgentProcess start(Lab lab, AgentConfig config) throws IOException {
    return start(lab, AgentConfigWriter.write(config));
  }

  /** Starts the agent with {@code yaml} as its config file and waits until /readyz says ready. */
  public static AgentProcess start(Lab lab, String yaml) throws IOException {
    var agent = launch(lab, yaml);
    try {
      agent.awaitReady(Duration.ofSeconds(30));
    } catch (IOException | RuntimeException e) {
      agent.close();
      throw e;
    }
    return agent;
  }

  /** Starts the agent with {@code yaml} as its config file and more {@code arguments}; does not wait. */
  public static AgentProcess launch(Lab lab, String yaml, String... arguments) throws IOException {
    return launch(lab, yaml, Map.of(), arguments);
  }

  /** Like {@link #launch(Lab, String, String...)}, with more environment (e.g. a PATH with failing tools first). */
  public static AgentProcess launch(Lab lab, String yaml, Map<String, String> env, String... arguments)
      throws IOException {
    Path dir = Files.createTempDirectory(lab.workDir(), "agent-");
    Path config = dir.resolve("agent.yaml");
    Files.writeString(config, yaml);
    return launch(lab, config, env, arguments);
  }

  /** Starts another agent on the same config file as this one (a successor, or the agent again after a kill). */
  public AgentProcess launchAnother(String... arguments) throws IOException {
    return launch(lab, role, config, Map.of(), arguments);
  }

  private static AgentProcess launch(Lab lab, Path config, Map<String, String> env, String... arguments)
      throws IOException {
    return launch(lab, "node", config, env, arguments);
  }

  private static AgentProcess launch(Lab lab, String role, Path config, Map<String, String> env, String... arguments)
      throws IOException {
    Path jar = agentJar();
    Path log = Files.createTempFile(config.getParent(), "agent-", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toString(), "--config", config.toString(),
        "--reload-interval", "PT0.2S"));
    command.addAll(List.of(arguments));
    Process process = lab.start(role, log, env, command.toArray(String[]::new));
    return new AgentProcess(lab, role, process, config, log);
  }

  /** The agent jar (built in dataplane/, module simgate-agent); fails clearly when it was not built. */
  public static Path agentJar() {
    String configured = System.getProperty("simgate.agent.jar");
    Path jar = configured != null ? Path.of(configured) : Path.of("dataplane/target/simgate-agent.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("agent jar missing at " + jar.toAbsolutePath().normalize()
          + ": build it first with `mvn -pl dataplane -am -DskipTests package` (or run the reactor: mvn -pl e2e/lab -am verify)");
    }
    return jar.toAbsolutePath().normalize();
  }

  public Path configFile() {
    return config;
  }

  /** Rewrites the config file the agent watches with {@code config}. */
  public void writeConfig(AgentConfig config) throws IOException {
    writeConfig(AgentConfigWriter.write(config));
  }

  /** Rewrites the config file the agent watches (atomically, as a ConfigMap update would appear). */
  public void writeConfig(String yaml) throws IOException {
    Path next = config.resolveSibling("agent.yaml.next");
    Files.writeString(next, yaml);
    Files.move(next, config, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** Sends SIGTERM and does not wait. */
  public void signalTerm() {
    process.destroy();
  }

  /** Convenience: counters are exported as doubles but are whole numbers. */
  public static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> delta = new HashMap<>();
    after.forEach((series, value) -> delta.put(series, value - before.getOrDefault(series, 0.0)));
    return delta;
  }
}
