package dev.simgate.install;

import dev.simgate.testkit.Command;
import dev.simgate.testkit.KubeBinaries;
import dev.simgate.testkit.KubeControlPlane;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The toolchain's helm, run against the chart in the repository. */
final class Helm {

  /**
   * Passed to `helm template`: a helm built from source without version ldflags assumes Kubernetes 1.20, older than
   * the chart's kubeVersion; the control plane of these tests runs this version.
   */
  static final String KUBE_VERSION = KubeBinaries.KUBERNETES_VERSION;

  private Helm() {}

  static Path binary() {
    return KubeBinaries.locate().helm();
  }

  static Command run(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(binary().toString());
    argv.addAll(List.of(args));
    return Command.run(argv);
  }

  /** helm with the control plane's kubeconfig, for install, upgrade and uninstall. */
  static Command onCluster(KubeControlPlane controlPlane, String... args) {
    List<String> argv = new ArrayList<>(List.of(controlPlane.helm().toString(), "--kubeconfig",
        controlPlane.kubeconfig().toString()));
    argv.addAll(List.of(args));
    return Command.run(argv);
  }

  /** `helm template simgate charts/simgate --namespace simgate-system` plus extra arguments. */
  static Command template(String... extra) {
    List<String> args = new ArrayList<>(List.of("template", "simgate", Repo.CHART.toString(),
        "--namespace", "simgate-system", "--kube-version", KUBE_VERSION));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  /** Runs charts/simgate/generate.sh into {@code outRoot} with this helm. */
  static Command generate(Path outRoot) {
    return Command.run(List.of("bash", Repo.CHART.resolve("generate.sh").toString(), outRoot.toString()),
        Map.of("HELM", binary().toString()), null);
  }
}
