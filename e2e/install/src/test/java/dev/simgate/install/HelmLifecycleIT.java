package dev.simgate.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.simgate.testkit.KubeControlPlane;
import dev.simgate.testkit.WithKubeControlPlane;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm path for real on a kube-apiserver: install, an upgrade that changes a CRD (Helm's crds/ folder would never
 * upgrade it; our CRDs are templates), and uninstall, which keeps the CRDs and the users' resources.
 */
@WithKubeControlPlane
class HelmLifecycleIT {

  private static final String VPG_CRD = "virtualprivategateways.simgate.dev";

  @Test
  void installUpgradeUninstall(KubeControlPlane controlPlane, KubernetesClient client, @TempDir Path tmp)
      throws IOException {
    Kubectl kubectl = new Kubectl(controlPlane);
    // As the README says: the namespace first, labelled for the agents' Pod Security needs.
    kubectl.run(null, "create", "namespace", "simgate-system").requireSuccess();
    kubectl.run(null, "label", "namespace", "simgate-system", "pod-security.kubernetes.io/enforce=privileged")
        .requireSuccess();

    String notes = Helm.onCluster(controlPlane, "install", "simgate", Repo.CHART.toString(),
        "--namespace", "simgate-system").requireSuccess();
    assertThat(notes).contains("kubectl -n simgate-system rollout status deployment/simgate-operator")
        .doesNotContain("WARNING");

    assertThat(client.apps().deployments().inNamespace("simgate-system").withName("simgate-operator").get()).isNotNull();
    assertThat(client.rbac().clusterRoles().withName("simgate-operator").get()).isNotNull();
    for (String crd : new String[] {VPG_CRD, "gatepeers.simgate.dev", "devicesubnets.simgate.dev"}) {
      assertThat(crd(client, crd).getMetadata().getAnnotations())
          .containsEntry("meta.helm.sh/release-name", "simgate")
          .containsEntry("helm.sh/resource-policy", "keep");
    }
    kubectl.run(null, "wait", "--for=condition=Established", "--timeout=60s", "crd/" + VPG_CRD).requireSuccess();
    kubectl.apply(Files.readString(Repo.EXAMPLES.resolve("virtualprivategateway.yaml")));

    Path nextChart = chartWithChangedVpgCrd(tmp);
    Helm.onCluster(controlPlane, "upgrade", "simgate", nextChart.toString(), "--namespace", "simgate-system")
        .requireSuccess();
    assertThat(crd(client, VPG_CRD).getSpec().getNames().getShortNames()).as("CRD upgraded by helm upgrade")
        .contains("vpgnext");

    Helm.onCluster(controlPlane, "uninstall", "simgate", "--namespace", "simgate-system").requireSuccess();

    assertThat(client.apps().deployments().inNamespace("simgate-system").withName("simgate-operator").get()).isNull();
    assertThat(client.rbac().clusterRoles().withName("simgate-operator").get()).isNull();
    assertThat(crd(client, VPG_CRD)).as("CRDs are kept on uninstall").isNotNull();
    assertThat(client.genericKubernetesResources("simgate.dev/v1alpha1", "VirtualPrivateGateway")
        .withName("soracom-vpg").get()).as("users' resources survive uninstall").isNotNull();
  }

  @Test
  void installWarnsWhenTheNamespaceIsNotPrivileged(KubeControlPlane controlPlane) {
    Kubectl kubectl = new Kubectl(controlPlane);
    kubectl.run(null, "create", "namespace", "gates").requireSuccess();
    kubectl.run(null, "label", "namespace", "gates", "pod-security.kubernetes.io/enforce=baseline").requireSuccess();

    // --dry-run=server renders against the cluster (NOTES.txt looks the namespace up) and creates nothing.
    String notes = Helm.onCluster(controlPlane, "install", "simgate", Repo.CHART.toString(), "--namespace", "gates",
        "--dry-run=server").requireSuccess();

    assertThat(notes).contains("WARNING: namespace gates has Pod Security enforce level \"baseline\"")
        .contains("kubectl label namespace gates pod-security.kubernetes.io/enforce=privileged --overwrite");
  }

  private static CustomResourceDefinition crd(KubernetesClient client, String name) {
    return client.apiextensions().v1().customResourceDefinitions().withName(name).get();
  }

  /** A copy of the chart as a next release would ship it: the VPG CRD gains a short name. */
  private static Path chartWithChangedVpgCrd(Path tmp) throws IOException {
    Path chart = tmp.resolve("simgate");
    try (Stream<Path> files = Files.walk(Repo.CHART)) {
      for (Path source : files.toList()) {
        Path target = chart.resolve(Repo.CHART.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    Path vpgCrd = chart.resolve("files/crds/" + Repo.CRD_FILES[0]);
    ObjectNode crd = (ObjectNode) Manifests.YAML.readTree(vpgCrd.toFile());
    ((ObjectNode) crd.at("/spec/names")).putArray("shortNames").add("vpgnext");
    Manifests.YAML.writeValue(vpgCrd.toFile(), crd);
    return chart;
  }
}
