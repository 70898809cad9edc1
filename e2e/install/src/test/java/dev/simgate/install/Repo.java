package dev.simgate.install;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the install artefacts in the repository (root from the {@code simgate.root} property set by the pom). */
final class Repo {

  static final Path ROOT = root();
  static final Path CHART = ROOT.resolve("charts/simgate");
  static final Path CRDS = ROOT.resolve("crds");
  static final Path MANIFEST = ROOT.resolve("deploy/simgate.yaml");
  static final Path EXAMPLES = CHART.resolve("examples");
  static final Path OPERATOR_RULES = CHART.resolve("files/operator-rules.yaml");
  static final Path OPERATOR_NAMESPACE_RULES = CHART.resolve("files/operator-namespace-rules.yaml");
  static final Path HEALTH_LUA = CHART.resolve("argocd/health.lua");
  static final Path ARGOCD_CM = CHART.resolve("argocd/argocd-cm-health.yaml");

  /** The CRD files of contract 4, one per kind. */
  static final String[] CRD_FILES = {
    "virtualprivategateways.simgate.dev-v1.yml", "gatepeers.simgate.dev-v1.yml", "devicesubnets.simgate.dev-v1.yml"
  };

  private Repo() {}

  private static Path root() {
    Path root = Path.of(System.getProperty("simgate.root", "../..")).toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve("charts/simgate"))) {
      throw new IllegalStateException("not the SimGate repository root (no charts/simgate): " + root);
    }
    return root;
  }
}
