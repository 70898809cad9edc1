package dev.simgate.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.simgate.testkit.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart as helm sees it: lint, renders with default and non-default values, schema, generated files. */
class HelmChartIT {

  private static final Path CUSTOM_VALUES = Fixtures.resource("values-custom.yaml");
  private static final Path BAD_VALUES = Fixtures.resource("values-bad.yaml");

  @Test
  void lintPassesStrictWithDefaultAndCustomValues() {
    Helm.run("lint", "--strict", Repo.CHART.toString()).requireSuccess();
    Helm.run("lint", "--strict", Repo.CHART.toString(), "-f", CUSTOM_VALUES.toString()).requireSuccess();
  }

  @Test
  void defaultRenderHasOperatorCrdsAndRbacFromTheSharedRules() throws IOException {
    List<JsonNode> objects = Manifests.parse(Helm.template().requireSuccess());

    assertThat(Manifests.kinds(objects)).containsExactlyInAnyOrder(
        "ServiceAccount", "CustomResourceDefinition", "CustomResourceDefinition", "CustomResourceDefinition",
        "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service", "Deployment");

    for (JsonNode crd : Manifests.ofKind(objects, "CustomResourceDefinition")) {
      assertThat(crd.at("/spec/group").asText()).isEqualTo("simgate.dev");
      assertThat(crd.at("/metadata/annotations/helm.sh~1resource-policy").asText()).isEqualTo("keep");
      assertThat(crd.at("/metadata/annotations/argocd.argoproj.io~1sync-wave").asText()).isEqualTo("-1");
    }

    JsonNode role = Manifests.single(objects, "ClusterRole");
    JsonNode sharedRules = Manifests.YAML.readTree(Repo.OPERATOR_RULES.toFile());
    assertThat(role.get("rules")).as("ClusterRole rules == files/operator-rules.yaml").isEqualTo(sharedRules);
    JsonNode binding = Manifests.single(objects, "ClusterRoleBinding");
    assertThat(binding.at("/roleRef/name").asText()).isEqualTo(role.at("/metadata/name").asText());
    assertThat(binding.at("/subjects/0/name").asText()).isEqualTo("simgate-operator");
    assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo("simgate-system");
    JsonNode namespaceRole = Manifests.single(objects, "Role");
    assertThat(namespaceRole.at("/metadata/namespace").asText()).as("the Lease's namespace only").isEqualTo("simgate-system");
    assertThat(namespaceRole.get("rules")).as("Role rules == files/operator-namespace-rules.yaml")
        .isEqualTo(Manifests.YAML.readTree(Repo.OPERATOR_NAMESPACE_RULES.toFile()));
    JsonNode namespaceBinding = Manifests.single(objects, "RoleBinding");
    assertThat(namespaceBinding.at("/roleRef/kind").asText()).isEqualTo("Role");
    assertThat(namespaceBinding.at("/roleRef/name").asText()).isEqualTo(namespaceRole.at("/metadata/name").asText());
    assertThat(namespaceBinding.at("/subjects/0/name").asText()).isEqualTo("simgate-operator");

    JsonNode deployment = Manifests.single(objects, "Deployment");
    JsonNode pod = deployment.at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");
    assertThat(pod.at("/serviceAccountName").asText()).isEqualTo("simgate-operator");
    assertThat(container.at("/image").asText()).isEqualTo("simgate/operator:0.1.0");
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.at("/securityContext/capabilities/drop/0").asText()).isEqualTo("ALL");
    assertThat(Manifests.env(deployment, "SIMGATE_AGENT_IMAGE")).contains("simgate/agent:0.1.0");
    assertThat(Manifests.env(deployment, "SIMGATE_LOG_LEVEL")).contains("info");
    assertThat(Manifests.env(deployment, "SIMGATE_ALLOWED_AGENT_IMAGES")).as("only agent.image").isEmpty();
    assertThat(Manifests.env(deployment, "SIMGATE_CLUSTER_CIDRS")).isEmpty();
    assertThat(Manifests.env(deployment, "SIMGATE_STEERING_POOL")).contains("198.18.0.0/16");
    assertThat(Manifests.env(deployment, "SIMGATE_STEERING_VNI")).contains("5347");
    assertThat(Manifests.env(deployment, "SIMGATE_STEERING_PORT")).contains("8479");
    assertThat(Manifests.env(deployment, "SIMGATE_STEERING_MTU")).contains("1450");
    assertThat(Manifests.env(deployment, "SIMGATE_NODE_UNDERLAY_ADDRESS")).contains("InternalIP");

    JsonNode service = Manifests.single(objects, "Service");
    assertThat(service.at("/spec/selector")).isEqualTo(deployment.at("/spec/selector/matchLabels"));
  }

  @Test
  void renderedCrdsEqualCrdsFolderExceptTheAddedMetadata() {
    List<JsonNode> rendered = Manifests.ofKind(Manifests.parse(Helm.template().requireSuccess()),
        "CustomResourceDefinition");

    assertThat(rendered).hasSize(Repo.CRD_FILES.length);
    for (String file : Repo.CRD_FILES) {
      JsonNode source = Manifests.parse(Repo.CRDS.resolve(file)).getFirst();
      String name = source.at("/metadata/name").asText();
      ObjectNode crd = rendered.stream().filter(c -> c.at("/metadata/name").asText().equals(name)).findFirst()
          .orElseThrow(() -> new AssertionError("CRD " + name + " not rendered")).deepCopy();
      ObjectNode metadata = (ObjectNode) crd.get("metadata");
      metadata.remove(List.of("labels", "annotations"));
      ((ObjectNode) source.get("metadata")).fields().forEachRemaining(f -> metadata.set(f.getKey(), f.getValue()));
      // Numbers compare by value: fabric8 writes `maximum: 9000.0`, Helm's toYaml writes `maximum: 9000`.
      assertThat(crd.equals(HelmChartIT::sameValue, source))
          .as("%s rendered through the chart's template:\n%s\nsource:\n%s", file, crd, source).isTrue();
    }
  }

  private static int sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    return a.equals(b) ? 0 : 1;
  }

  @Test
  void customValuesReachTheRenderedObjects() {
    List<JsonNode> objects = Manifests.parse(Helm.template("-f", CUSTOM_VALUES.toString()).requireSuccess());

    assertThat(Manifests.kinds(objects)).containsExactlyInAnyOrder(
        "Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service",
        "Deployment", "ServiceMonitor");

    JsonNode namespace = Manifests.single(objects, "Namespace");
    assertThat(namespace.at("/metadata/name").asText()).isEqualTo("simgate-system");
    assertThat(namespace.at("/metadata/labels/pod-security.kubernetes.io~1enforce").asText()).isEqualTo("privileged");
    assertThat(namespace.at("/metadata/labels/team").asText()).isEqualTo("iot");
    assertThat(namespace.at("/metadata/annotations").isMissingNode()).as("no sync waves").isTrue();

    JsonNode deployment = Manifests.single(objects, "Deployment");
    assertThat(deployment.at("/metadata/name").asText()).isEqualTo("gate-operator");
    assertThat(deployment.at("/spec/replicas").asInt()).as("replicas, with leader election").isEqualTo(2);
    JsonNode pod = deployment.at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");
    assertThat(container.at("/image").asText()).isEqualTo("registry.example.com/simgate/operator:0.1.1");
    assertThat(container.at("/imagePullPolicy").asText()).isEqualTo("Always");
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("768Mi");
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(9090);
    assertThat(pod.at("/priorityClassName").asText()).isEqualTo("system-cluster-critical");
    assertThat(pod.at("/nodeSelector/node-role.kubernetes.io~1control-plane").isTextual()).isTrue();
    assertThat(pod.at("/tolerations/0/key").asText()).isEqualTo("node-role.kubernetes.io/control-plane");
    assertThat(pod.at("/imagePullSecrets/0/name").asText()).isEqualTo("registry-credentials");
    assertThat(Manifests.env(deployment, "SIMGATE_LOG_LEVEL")).contains("debug");
    assertThat(container.at("/args").toString()).contains("--http-port=9090");
    assertThat(Manifests.env(deployment, "SIMGATE_AGENT_IMAGE")).contains("registry.example.com/simgate/agent:0.1.1");
    assertThat(Manifests.env(deployment, "SIMGATE_AGENT_IMAGE_PULL_POLICY")).contains("Always");
    assertThat(Manifests.env(deployment, "SIMGATE_EXTRA")).contains("yes");
    assertThat(Manifests.env(deployment, "SIMGATE_ALLOWED_AGENT_IMAGES"))
        .contains("registry.example.com/simgate/agent:*,mirror.example.com/agent:0.1.1");
    assertThat(Manifests.env(deployment, "SIMGATE_CLUSTER_CIDRS")).contains("10.233.64.0/18,10.233.0.0/18");
    assertThat(Manifests.env(deployment, "SIMGATE_RESYNC_INTERVAL")).contains("2m");
    assertThat(Manifests.env(deployment, "SIMGATE_MAX_ROUTES_PER_VPG")).contains("64");
    assertThat(Manifests.env(deployment, "SIMGATE_MAX_ENDPOINTS_PER_SLICE")).contains("100");
    assertThat(Manifests.env(deployment, "SIMGATE_MAX_NODES_PER_GATEPEER")).contains("300");
    assertThat(Manifests.env(deployment, "SIMGATE_KUBE_API_QPS")).contains("20");
    assertThat(Manifests.env(deployment, "SIMGATE_KUBE_API_BURST")).contains("40");
    assertThat(Manifests.env(deployment, "SIMGATE_RECONCILE_THREADS")).contains("4");
    assertThat(Manifests.env(deployment, "SIMGATE_STEERING_POOL")).contains("100.127.0.0/16");
    assertThat(Manifests.env(deployment, "SIMGATE_STEERING_VNI")).contains("77");
    assertThat(Manifests.env(deployment, "SIMGATE_STEERING_PORT")).contains("9479");
    assertThat(Manifests.env(deployment, "SIMGATE_STEERING_MTU")).contains("8950");
    assertThat(Manifests.env(deployment, "SIMGATE_NODE_UNDERLAY_ADDRESS")).contains("annotation:example.com/underlay");

    JsonNode monitor = Manifests.single(objects, "ServiceMonitor");
    assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
    assertThat(monitor.at("/spec/endpoints/0/interval").asText()).isEqualTo("15s");
    assertThat(monitor.at("/spec/selector/matchLabels"))
        .isEqualTo(Manifests.single(objects, "Service").at("/spec/selector"));
  }

  @Test
  void badValuesAreRejectedByTheSchemaNamingEachMistake() {
    Command install = Helm.template("-f", BAD_VALUES.toString());

    assertThat(install.exitCode()).as(install.describe()).isNotZero();
    assertThat(install.stderr())
        .contains("values don't meet the specifications of the schema")
        .contains("additional properties 'imgae' not allowed")
        .contains("/operator/logLevel")
        .contains("/metrics/port");
    assertThat(install.stdout()).as("nothing rendered").isBlank();
  }

  @Test
  void generatedFilesAreUpToDate(@TempDir Path out) throws IOException {
    for (String crd : Repo.CRD_FILES) {
      assertThat(Repo.CRDS.resolve(crd)).as("contract 4: the operator build commits %s", crd).isRegularFile();
    }
    Helm.generate(out).requireSuccess();

    for (String crd : Repo.CRD_FILES) {
      assertThat(Repo.CHART.resolve("files/crds").resolve(crd)).as("chart copy of crds/%s", crd)
          .hasSameBinaryContentAs(Repo.CRDS.resolve(crd));
    }
    try (var copies = Files.list(out.resolve("charts/simgate/files/crds"))) {
      for (Path generated : copies.toList()) {
        assertThat(Repo.CHART.resolve("files/crds").resolve(generated.getFileName()))
            .as("charts/simgate/files/crds is stale: run charts/simgate/generate.sh")
            .hasSameBinaryContentAs(generated);
      }
    }
    assertThat(Repo.CHART.resolve("Chart.yaml"))
        .as("Chart.yaml's appVersion is not the project version (pom.xml): run charts/simgate/generate.sh")
        .hasSameTextualContentAs(out.resolve("charts/simgate/Chart.yaml"));
    assertThat(Repo.ARGOCD_CM).as("argocd-cm-health.yaml is stale: run charts/simgate/generate.sh")
        .hasSameTextualContentAs(out.resolve("charts/simgate/argocd/argocd-cm-health.yaml"));
    assertThat(Repo.MANIFEST).as("deploy/simgate.yaml is stale: run charts/simgate/generate.sh")
        .hasSameTextualContentAs(out.resolve("deploy/simgate.yaml"));
  }

  @Test
  void manifestIsTheDefaultRenderPlusTheLabelledNamespace() {
    List<JsonNode> manifest = Manifests.parse(Repo.MANIFEST);
    List<JsonNode> defaults = Manifests.parse(Helm.template().requireSuccess());

    JsonNode namespace = Manifests.single(manifest, "Namespace");
    assertThat(namespace.at("/metadata/name").asText()).isEqualTo("simgate-system");
    assertThat(namespace.at("/metadata/labels/pod-security.kubernetes.io~1enforce").asText()).isEqualTo("privileged");
    assertThat(manifest.stream().filter(o -> !o.path("kind").asText().equals("Namespace")).toList())
        .containsExactlyElementsOf(defaults);
  }
}
