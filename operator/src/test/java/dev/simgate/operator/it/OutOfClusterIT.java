package dev.simgate.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.simgate.testkit.Command;
import dev.simgate.testkit.KubeControlPlane;
import dev.simgate.testkit.WithKubeControlPlane;

/**
 * {@code java -jar simgate-operator.jar} from a laptop against a cluster that lacks a piece: one line saying what is
 * missing and how to fix it, and the process ends, instead of a stack trace every two seconds.
 */
@WithKubeControlPlane
class OutOfClusterIT {
  static final Path JAR = Path.of("target/simgate-operator.jar");

  @Test
  void aMissingPieceIsOneLineAndTheProcessEnds(KubeControlPlane plane) throws IOException {
    Command noCrds = operator(plane, "--namespace", "default");
    assertOneLine(noCrds, "CustomResourceDefinition", "simgate.dev is not installed",
        "kubectl apply --server-side -f crds/");

    Cluster.installCrds(plane.client());
    // The case of the report: leader election on a Lease in a namespace that is not there.
    Command noNamespace = operator(plane, "--namespace", "nowhere");
    assertOneLine(noNamespace, "namespace 'nowhere' does not exist", "kubectl create namespace nowhere", "--namespace");
  }

  private static Command operator(KubeControlPlane plane, String... args) {
    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toAbsolutePath().toString(), "--http-port", "0"));
    argv.addAll(List.of(args));
    // Without the fix the process never ends: the time limit fails the test.
    return Command.run(argv, Map.of("KUBECONFIG", plane.kubeconfig().toString()), null, Duration.ofSeconds(90));
  }

  private static void assertOneLine(Command run, String... says) {
    String output = run.stdout() + run.stderr();
    assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
    // The JVM may announce JAVA_TOOL_OPTIONS; everything else is the one line.
    List<String> lines = output.lines().filter(l -> !l.isBlank() && !l.startsWith("Picked up ")).toList();
    assertThat(lines).as(run.describe()).singleElement().satisfies(line -> assertThat(line)
        .contains("\"level\":\"ERROR\"").contains(says).doesNotContain("stack_trace"));
  }
}
