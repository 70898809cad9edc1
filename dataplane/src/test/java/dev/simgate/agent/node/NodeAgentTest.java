package dev.simgate.agent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simgate.contract.nodepolicy.NodePolicy;
import dev.simgate.contract.nodepolicy.NodePolicyCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node agent's control loop against a host and a policy source that the test plays. */
class NodeAgentTest {
  private final FakeHost host = new FakeHost();
  private final FakeSource source = new FakeSource();
  private NodeAgent agent;

  @BeforeEach
  void start() throws IOException {
    agent = new NodeAgent(new NodeAgent.Options("plain", 0, Duration.ofMillis(100), 3, List.of(9466, 9467),
        Set.of("simgate0"), Duration.ofMinutes(10)), source, host, new LocalGateCheck());
    agent.start(false);
  }

  @AfterEach
  void stop() {
    agent.stop(true);
  }

  @Test
  void noDocumentIsTheClosedPolicyAndTheFirstApplyReplacesTheTableWhole() {
    assertThat(agent.ready().reason()).startsWith("waiting for the policy");
    source.listener.absent();
    await().atMost(Duration.ofSeconds(5)).until(() -> agent.ready().ok());
    assertThat(host.scripts.getFirst()).startsWith("table inet simgate_node\ndelete table inet simgate_node\n")
        .isEqualTo(NodeRuleset.replaceScript(NodeRuleset.render(NodePolicy.closed("plain"), context())));
    assertThat(host.converged.getLast()).isEqualTo(SteeringPlan.State.NONE);

    source.listener.document(NodePolicyCodec.write(Policies.plainOnePod()));
    await().atMost(Duration.ofSeconds(5)).until(() -> host.scripts.size() == 2);
    assertThat(host.scripts.getLast()).as("later ones update it in place").startsWith("flush table inet simgate_node\n");
  }

  @Test
  void aBadDocumentOrAnotherNodesIsRefusedWholeAndTheRunningPolicyStays() {
    source.listener.document(NodePolicyCodec.write(Policies.plainOnePod()));
    await().atMost(Duration.ofSeconds(5)).until(() -> agent.ready().ok());
    int applied = host.scripts.size();

    source.listener.document("{\"node\": \"plain\", \"access\": 7}");
    await().atMost(Duration.ofSeconds(5)).until(() -> !agent.ready().ok());
    assertThat(agent.ready().reason()).contains("policy refused", "access: must be a list",
        "the previous one is in force");
    source.listener.document(NodePolicyCodec.write(NodePolicy.closed("gate-a")));
    await().atMost(Duration.ofSeconds(5)).until(() -> agent.ready().reason().contains("written for node 'gate-a'"));
    assertThat(host.scripts).hasSize(applied);
    assertThat(agent.sample().view().inForce()).isEqualTo(Policies.plainOnePod());
    assertThat(NodeMetrics.snapshots(agent.sample()).stream().filter(m -> m.getMetadata().getName()
        .equals("simgate_node_policy_updates")).findFirst().orElseThrow().getDataPoints()).hasSize(2);
  }

  @Test
  void aChangeTheHostRefusesIsRetriedAndNotReadyMeanwhile() {
    host.failures = 1;
    source.listener.document(NodePolicyCodec.write(Policies.plainOnePod()));
    await().atMost(Duration.ofSeconds(5)).until(() -> agent.ready().reason().contains("retrying (nft broke)"));
    assertThat(agent.ready().ok()).isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> agent.ready().ok());
    assertThat(agent.ready().reason()).startsWith("policy in force: 1 access entries");
  }

  private static NodeRuleset.Context context() {
    return new NodeRuleset.Context("sgsteer0", new java.util.TreeSet<>(Set.of("simgate0")), 0, List.of(9466, 9467));
  }

  private static final class FakeSource implements PolicySource {
    volatile Listener listener;

    @Override
    public void start(Listener value) {
      listener = value;
    }

    @Override
    public String describe() {
      return "the test";
    }

    @Override
    public void close() {}
  }

  private static final class FakeHost implements NodeHost {
    final List<String> scripts = new CopyOnWriteArrayList<>();
    final List<SteeringPlan.State> converged = new CopyOnWriteArrayList<>();
    volatile int failures;

    @Override
    public void nft(String script) throws IOException {
      if (failures > 0) {
        failures--;
        throw new IOException("nft broke");
      }
      scripts.add(script);
    }

    @Override
    public void converge(SteeringPlan.State desired) {
      converged.add(desired);
    }

    @Override
    public void routes(SteeringPlan.State desired) {
      converged.add(desired);
    }

    @Override
    public List<String> removeAll() {
      return List.of();
    }

    @Override
    public List<String> removeDetachedGateInterfaces(Set<String> keep) {
      return List.of();
    }

    @Override
    public Map<String, Long> counters() {
      return Map.of();
    }

    @Override
    public Set<String> gateInterfaces() {
      return Set.of();
    }

    @Override
    public Map<String, String> detachedGateInterfaces() {
      return Map.of();
    }
  }
}
