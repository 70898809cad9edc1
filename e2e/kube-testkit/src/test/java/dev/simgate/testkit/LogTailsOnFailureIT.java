package dev.simgate.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

class LogTailsOnFailureIT {

  @Test
  void aFailingTestPrintsTheTailsOfEveryProcessLog() {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    EngineExecutionResults results;
    try {
      System.setErr(new PrintStream(captured, true, UTF_8));
      results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailingExample.class)).execute();
    } finally {
      System.setErr(original);
    }

    results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
    assertThat(captured.toString(UTF_8))
        .contains("fails(KubernetesClient) failed")
        .containsPattern("last 40 lines of etcd, full log: .*/etcd\\.log")
        .containsPattern("last 40 lines of kube-apiserver, full log: .*/kube-apiserver\\.log");
  }

  /** Run only through the engine above (failsafe skips nested classes). */
  @WithKubeControlPlane
  static class FailingExample {
    @Test
    void fails(KubernetesClient client) {
      assertThat(client.namespaces().withName("no-such-namespace").get()).isNotNull();
    }
  }
}
