package dev.simgate.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.simgate.testkit.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Argo CD health checks shipped in argocd/argocd-cm-health.yaml, run by lua5.1 (the dialect of Argo CD's
 * gopher-lua) and lua5.4 against each example resource in every kstatus state the operator can write.
 */
class ArgoHealthLuaTest {

  private static final Map<String, String> EXAMPLE_OF_KIND = Map.of(
      "VirtualPrivateGateway", "virtualprivategateway.yaml",
      "GatePeer", "gatepeer.yaml",
      "DeviceSubnet", "devicesubnet.yaml");

  /** A status (YAML, or null for none) on an object at metadata.generation 3, and the health Argo CD must show. */
  private record State(String name, String status, String health, String message) {}

  private static final List<State> STATES = List.of(
      new State("no status yet", null, "Progressing", "Waiting for the SimGate operator to report status"),
      new State("status without conditions", "observedGeneration: 3", "Progressing", "Waiting for the Ready condition"),
      new State("observedGeneration behind metadata.generation", """
          observedGeneration: 2
          conditions: [{type: Ready, status: "True", reason: Ready}]
          """, "Progressing", "Waiting for the SimGate operator to observe generation 3"),
      new State("observedGeneration missing", """
          conditions: [{type: Ready, status: "True", reason: Ready}]
          """, "Progressing", "Waiting for the SimGate operator to observe generation 3"),
      new State("Ready, not reconciling, not stalled", """
          observedGeneration: 3
          conditions:
            - {type: Ready, status: "True", reason: Ready, message: "2/2 gate nodes ready"}
            - {type: Reconciling, status: "False", reason: Reconciled}
            - {type: Stalled, status: "False", reason: Reconciled}
          """, "Healthy", "2/2 gate nodes ready"),
      new State("Ready only", """
          observedGeneration: 3
          conditions: [{type: Ready, status: "True", reason: Ready}]
          """, "Healthy", "Ready"),
      new State("Reconciling", """
          observedGeneration: 3
          conditions:
            - {type: Ready, status: "False", reason: Reconciling, message: "rolling out agents"}
            - {type: Reconciling, status: "True", reason: RollingOut, message: "1/2 gate nodes updated"}
          """, "Progressing", "1/2 gate nodes updated"),
      new State("Reconciling while still Ready", """
          observedGeneration: 3
          conditions:
            - {type: Ready, status: "True", reason: Ready}
            - {type: Reconciling, status: "True", reason: RollingOut}
          """, "Progressing", "RollingOut"),
      new State("Stalled", """
          observedGeneration: 3
          conditions:
            - {type: Ready, status: "False", reason: VPGNotFound, message: "VirtualPrivateGateway soracom-vpg not found"}
            - {type: Stalled, status: "True", reason: VPGNotFound, message: "VirtualPrivateGateway soracom-vpg not found"}
          """, "Degraded", "VirtualPrivateGateway soracom-vpg not found"),
      new State("Stalled wins over a stale Ready", """
          observedGeneration: 3
          conditions:
            - {type: Ready, status: "True", reason: Ready}
            - {type: Stalled, status: "True", reason: PoolOutsideDeviceSubnet}
          """, "Degraded", "PoolOutsideDeviceSubnet"),
      new State("Ready False with a terminal reason", """
          observedGeneration: 3
          conditions:
            - {type: Ready, status: "False", reason: PoolExhausted, message: "pool 10.255.255.0/30 has no free address"}
          """, "Degraded", "pool 10.255.255.0/30 has no free address"),
      new State("Ready False because a range is the cluster's", """
          observedGeneration: 3
          conditions:
            - {type: Ready, status: "False", reason: ClusterRangeOverlap, message: "deviceSubnet overlaps the pod range"}
          """, "Degraded", "deviceSubnet overlaps the pod range"),
      new State("a reconcile error while retries remain", """
          observedGeneration: 3
          conditions:
            - {type: Ready, status: "False", reason: ReconcileError, message: "API answered 503"}
            - {type: Reconciling, status: "True", reason: ReconcileError, message: "API answered 503"}
            - {type: Stalled, status: "False", reason: ReconcileError, message: "API answered 503"}
          """, "Progressing", "API answered 503"),
      new State("Ready False with a passing reason", """
          observedGeneration: 3
          conditions:
            - {type: Ready, status: "False", reason: AgentsNotReady, message: "0/2 gate nodes ready"}
          """, "Progressing", "0/2 gate nodes ready"),
      new State("Ready Unknown", """
          observedGeneration: 3
          conditions: [{type: Ready, status: Unknown, reason: Pending}]
          """, "Progressing", "Pending"));

  private static Map<String, String> scriptsByKind;

  @BeforeAll
  static void loadShippedScripts() throws IOException {
    for (String lua : ArgoHealthCheck.INTERPRETERS) {
      assertThat(Command.run(List.of(lua, "-v")).succeeded())
          .as("%s is needed to test the Argo CD health checks: apt-get install %s (e2e/bin/setup-host.sh)", lua, lua)
          .isTrue();
    }
    JsonNode data = Manifests.parse(Repo.ARGOCD_CM).getFirst().get("data");
    scriptsByKind = new HashMap<>();
    for (String kind : EXAMPLE_OF_KIND.keySet()) {
      JsonNode script = data.get("resource.customizations.health.simgate.dev_" + kind);
      assertThat(script).as("argocd-cm key for %s", kind).isNotNull();
      scriptsByKind.put(kind, script.asText());
    }
  }

  @Test
  void everyKindShipsTheOneHealthScript() throws IOException {
    String source = Files.readString(Repo.HEALTH_LUA);
    assertThat(scriptsByKind.values()).allSatisfy(script -> assertThat(script).isEqualTo(source));
  }

  @TestFactory
  Stream<DynamicTest> healthOfEveryKindInEveryState() {
    List<DynamicTest> tests = new ArrayList<>();
    EXAMPLE_OF_KIND.forEach((kind, example) -> {
      JsonNode object = Manifests.parse(Repo.EXAMPLES.resolve(example)).getFirst();
      assertThat(object.path("kind").asText()).isEqualTo(kind);
      for (String lua : ArgoHealthCheck.INTERPRETERS) {
        ArgoHealthCheck check = new ArgoHealthCheck(lua, scriptsByKind.get(kind));
        for (State state : STATES) {
          tests.add(DynamicTest.dynamicTest(lua + " " + kind + ": " + state.name() + " -> " + state.health(), () -> {
            ArgoHealthCheck.Health health = check.assess(withStatus(object, state.status()));
            assertThat(health).isEqualTo(new ArgoHealthCheck.Health(state.health(), state.message()));
          }));
        }
      }
    });
    return tests.stream();
  }

  private static JsonNode withStatus(JsonNode example, String statusYaml) throws IOException {
    ObjectNode object = example.deepCopy();
    ((ObjectNode) object.get("metadata")).put("generation", 3);
    if (statusYaml != null) {
      object.set("status", Manifests.YAML.readTree(statusYaml));
    }
    return object;
  }
}
