package dev.simgate.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The directory of Kubernetes binaries built by {@code e2e/k8s/toolchain.sh}: {@code SIMGATE_K8S_BIN}, else the system
 * property {@code simgate.k8s.bin}, else {@code ${SIMGATE_CACHE:-~/.cache/simgate}/k8s/<version>/bin}.
 */
public record KubeBinaries(Path dir) {

  /** The Kubernetes release the toolchain builds; equals {@code K8S_VERSION} in e2e/k8s/toolchain.sh. */
  public static final String KUBERNETES_VERSION = "1.36.3";

  /** What to run (from the repository root) when binaries are missing. */
  public static final String BUILD_COMMAND = "bash e2e/k8s/toolchain.sh";

  public static KubeBinaries locate() {
    return locate(System.getenv(), System.getProperties());
  }

  static KubeBinaries locate(Map<String, String> env, Properties properties) {
    String explicit = env.get("SIMGATE_K8S_BIN");
    if (isBlank(explicit)) {
      explicit = properties.getProperty("simgate.k8s.bin");
    }
    if (!isBlank(explicit)) {
      return new KubeBinaries(Path.of(explicit));
    }
    String cache = env.get("SIMGATE_CACHE");
    Path cacheDir =
        isBlank(cache)
            ? Path.of(properties.getProperty("user.home"), ".cache", "simgate")
            : Path.of(cache);
    return new KubeBinaries(cacheDir.resolve("k8s").resolve(KUBERNETES_VERSION).resolve("bin"));
  }

  /**
   * The named file in the directory.
   *
   * @throws IllegalStateException naming the missing file and the command that builds it
   */
  public Path require(String name) {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file) || (isProgram(name) && !Files.isExecutable(file))) {
      throw new IllegalStateException(
          "Kubernetes test binary missing: "
              + file
              + ". Build the binaries (once; about 9 min cold on 2 cores) with: "
              + BUILD_COMMAND
              + "   (from the repository root; it prints the directory as its last line; set SIMGATE_K8S_BIN"
              + " or -Dsimgate.k8s.bin to use another directory)");
    }
    return file;
  }

  private static boolean isProgram(String name) {
    return !name.endsWith(".yaml") && !name.endsWith(".tar");
  }

  public Path etcd() {
    return require("etcd");
  }

  public Path kubeApiserver() {
    return require("kube-apiserver");
  }

  public Path kubeControllerManager() {
    return require("kube-controller-manager");
  }

  public Path kubeScheduler() {
    return require("kube-scheduler");
  }

  public Path kubectl() {
    return require("kubectl");
  }

  public Path helm() {
    return require("helm");
  }

  public Path kwok() {
    return require("kwok");
  }

  /** kwok's default "fast" node and pod stages, written next to the binaries by the toolchain. */
  public Path kwokStages() {
    return require("kwok-stages.yaml");
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
