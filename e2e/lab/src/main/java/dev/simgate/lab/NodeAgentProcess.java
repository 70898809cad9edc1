package dev.simgate.lab;

import dev.simgate.contract.nodepolicy.NodePolicy;
import dev.simgate.contract.nodepolicy.NodePolicyCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged agent in node-agent mode ({@code java -jar simgate-agent.jar node --policy-file FILE}) in one of the
 * lab's node namespaces, with its admin endpoint ({@code 127.0.0.1:9466}) read through curl there. Probes every
 * 200 ms, so that the tests see a gate's change within a second or two.
 */
public final class NodeAgentProcess implements AutoCloseable {
  private static final String ADMIN = "http://127.0.0.1:9466";

  private final Lab lab;
  private final String role;
  private final Path policy;
  private final Path log;
  private final List<String> command;
  private Process process;

  private NodeAgentProcess(Lab lab, String role, Path policy, Path log, List<String> command) {
    this.lab = lab;
    this.role = role;
    this.policy = policy;
    this.log = log;
    this.command = command;
  }

  /** Starts the node agent in {@code role} with {@code policy} in its file and waits until it is ready. */
  public static NodeAgentProcess start(Lab lab, String role, NodePolicy policy) throws IOException {
    Path dir = Files.createTempDirectory(lab.workDir(), "node-agent-" + role + "-");
    Path file = dir.resolve("policy.json");
    Files.writeString(file, NodePolicyCodec.write(policy));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(java, "-jar", AgentProcess.agentJar().toString(), "node", "--node", policy.node(),
        "--policy-file", file.toString(), "--reload-interval", "PT0.2S", "--probe-interval", "PT0.2S");
    NodeAgentProcess agent = new NodeAgentProcess(lab, role, file, dir.resolve("node-agent.log"), command);
    agent.launch();
    try {
      agent.awaitReady(Duration.ofSeconds(30));
    } catch (IOException | RuntimeException e) {
      agent.close();
      throw e;
    }
    return agent;
  }

  /** Starts the node agent again on the same policy file (after a kill or a stop); does not wait. */
  public void launch() throws IOException {
    process = lab.start(role, log, command.toArray(String[]::new));
  }

  public String role() {
    return role;
  }

  /** Writes a new policy (atomically, as a ConfigMap update would appear) and waits until it is in force. */
  public void writePolicy(NodePolicy next) throws IOException {
    double applied = metrics().getOrDefault("simgate_node_policy_updates_total{result=\"applied\"}", 0.0);
    Path staged = policy.resolveSibling("policy.json.next");
    Files.writeString(staged, NodePolicyCodec.write(next));
    Files.move(staged, policy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (Instant.now().isBefore(deadline)) {
      if (metrics().getOrDefault("simgate_node_policy_updates_total{result=\"applied\"}", 0.0) > applied) {
        return;
      }
      sleep(100);
    }
    throw new IOException("the new policy was not applied within 15 s: " + log());
  }

  /** Writes {@code text} as the policy file, whatever it is (a broken document, another node's). */
  public void writePolicyText(String text) throws IOException {
    Path staged = policy.resolveSibling("policy.json.next");
    Files.writeString(staged, text);
    Files.move(staged, policy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Waits until /readyz says ready; fails with the log when the process exits or the time is up. */
  public void awaitReady(Duration timeout) throws IOException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("node agent exited with " + process.exitValue() + ": " + log());
      }
      if (lab.exec(role, "curl", "-sf", "-o", "/dev/null", ADMIN + "/readyz").ok()) {
        return;
      }
      sleep(100);
    }
    throw new IOException("node agent not ready after " + timeout + ": " + log());
  }

  /** What /readyz says (status code and reason). */
  public String readyz() throws IOException {
    Lab.Result result = lab.exec(role, "curl", "-s", "-w", "%{http_code} ", "-o", "/dev/stderr", ADMIN + "/readyz");
    return (result.output() + result.errors()).strip();
  }

  /** /status (JSON). */
  public String status() throws IOException {
    return lab.run(role, "curl", "-sf", ADMIN + "/status");
  }

  /** Every sample of /metrics, keyed by series ({@code name{labels}}). */
  public Map<String, Double> metrics() throws IOException {
    Lab.Result result = lab.exec(role, "curl", "-sf", ADMIN + "/metrics");
    Map<String, Double> samples = new HashMap<>();
    if (!result.ok()) {
      return samples;
    }
    for (String line : result.output().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  public double metric(String series) throws IOException {
    Double value = metrics().get(series);
    if (value == null) {
      throw new IllegalStateException("node agent exports no series " + series + ": " + log());
    }
    return value;
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: nothing is cleaned up. */
  public void kill() throws IOException {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(15));
  }

  /** SIGTERM, and waits for the exit; returns the exit code. */
  public int terminate(Duration timeout) throws IOException {
    process.destroy();
    return awaitExit(timeout);
  }

  private int awaitExit(Duration timeout) throws IOException {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("node agent did not exit within " + timeout + ": " + log());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
