package dev.simgate.install;

import dev.simgate.testkit.Command;
import dev.simgate.testkit.KubeControlPlane;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** kubectl of the toolchain, bound to one test control plane. */
record Kubectl(KubeControlPlane controlPlane) {

  Command run(String stdin, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(controlPlane.kubectl().toString());
    argv.add("--kubeconfig=" + controlPlane.kubeconfig());
    argv.addAll(List.of(args));
    return Command.run(argv, Map.of(), stdin);
  }

  /** Server-side apply for real. */
  String apply(String yaml) {
    return run(yaml, "apply", "--server-side", "-f", "-").requireSuccess();
  }

  /** Server-side apply as a server dry run: schema, strict field validation and admission, nothing stored. */
  Command dryRun(String yaml) {
    return run(yaml, "apply", "--server-side", "--dry-run=server", "-f", "-");
  }
}
