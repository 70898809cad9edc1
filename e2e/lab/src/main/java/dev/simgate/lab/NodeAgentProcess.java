package dev.simgate.lab;

import dev.simgate.contract.nodepolicy.NodePolicy;
import dev.simgate.contract.nodepolicy.NodePolicyCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged agent in node-agent mode ({@code java -jar simgate-agent.jar node --policy-file FILE}) in one of the
 * lab's node namespaces, with its admin endpoint ({@code 127.0.0.1:9466}) read through curl there. Probes every
 * 200 ms, so that the tests see a gate's change within a second or two.
 */
public final class NodeAgentProcess extends LabJvm {
  private final Path policy;
  private final List<String> command;

  private NodeAgentProcess(Lab lab, String role, Path policy, Path log, List<String> command) {
    super(lab, role, log, "http://127.0.0.1:9466", "node agent");
    this.policy = policy;
    this.command = command;
  }

  /**
   * Starts the node agent in {@code role} with {@code policy} in its file and waits until it is ready; {@code
   * arguments} are added to its command line.
   */
  public static NodeAgentProcess start(Lab lab, String role, NodePolicy policy, String... arguments)
      throws IOException {
    Path dir = Files.createTempDirectory(lab.workDir(), "node-agent-" + role + "-");
    Path file = dir.resolve("policy.json");
    Files.writeString(file, NodePolicyCodec.write(policy));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-jar", AgentProcess.agentJar().toString(), "node", "--node",
        policy.node(), "--policy-file", file.toString(), "--reload-interval", "PT0.2S", "--probe-interval", "PT0.2S"));
    command.addAll(List.of(arguments));
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

  /** /status (JSON). */
  public String status() throws IOException {
    return get("/status");
  }

}
