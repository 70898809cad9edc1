package dev.simgate.cluster;

import dev.simgate.testkit.Command;
import dev.simgate.testkit.KubeCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** kubectl and helm against a test cluster, as a user would type them; paths of the repository's artefacts. */
final class Kubectl {

  static final Path ROOT = Path.of(System.getProperty("simgate.root", "../..")).toAbsolutePath().normalize();
  static final Path CHART = ROOT.resolve("charts/simgate");
  static final Path MANIFEST = ROOT.resolve("deploy/simgate.yaml");
  static final Path IMAGES = ROOT.resolve("target/images");

  private final KubeCluster cluster;

  Kubectl(KubeCluster cluster) {
    this.cluster = cluster;
  }

  /** {@code kubectl ARGS}; fails with the output unless it succeeds. */
  String run(String... args) {
    return result(Duration.ofMinutes(3), args).requireSuccess();
  }

  Command result(Duration timeout, String... args) {
    return command(cluster.controlPlane().kubectl(), timeout, args);
  }

  /** {@code kubectl apply -f -} of a YAML text. */
  String apply(String yaml) {
    try {
      Path file = Files.createTempFile("simgate-it-", ".yaml");
      try {
        Files.writeString(file, yaml);
        return run("apply", "-f", file.toString());
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** {@code kubectl -n NS exec POD -- COMMAND}. */
  Command exec(String namespace, String pod, String... command) {
    List<String> args = new ArrayList<>(List.of("-n", namespace, "exec", pod, "--"));
    args.addAll(List.of(command));
    return result(Duration.ofMinutes(2), args.toArray(String[]::new));
  }

  /**
   * A toolbox pod (busybox, the cluster's {@link KubeCluster#toolboxImage()}) pinned to {@code node}, running
   * {@code script} with {@code sh -c}; returns once it is Ready.
   *
   * @param labels YAML flow mapping entries, e.g. {@code "app: telemetry"}
   */
  void toolboxPod(String namespace, String name, String node, String labels, String script) {
    apply("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: %s
          namespace: %s
          labels: {%s}
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 1
          containers:
            - name: toolbox
              image: %s
              imagePullPolicy: Never
              command: ["sh", "-c", "%s"]
        """.formatted(name, namespace, labels, node, cluster.toolboxImage(),
        script.replace("\\", "\\\\").replace("\"", "\\\"")));
    result(Duration.ofMinutes(3), "-n", namespace, "wait", "--for=condition=Ready", "--timeout=120s", "pod/" + name)
        .requireSuccess();
  }

  /** {@code helm ARGS}; fails with the output unless it succeeds. */
  String helm(String... args) {
    return command(cluster.controlPlane().helm(), Duration.ofMinutes(6), args).requireSuccess();
  }

  private Command command(Path binary, Duration timeout, String... args) {
    List<String> argv = new ArrayList<>(List.of(binary.toString()));
    argv.addAll(List.of(args));
    return Command.run(argv, Map.of("KUBECONFIG", cluster.controlPlane().kubeconfig().toString()), null, timeout);
  }
}
