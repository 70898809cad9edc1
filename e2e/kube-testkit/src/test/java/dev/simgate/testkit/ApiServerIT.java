package dev.simgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** kube-apiserver + etcd only: schema validation, RBAC with impersonation, and the stamped binaries. */
@WithKubeControlPlane
class ApiServerIT {

  private static final ResourceDefinitionContext RANGES =
      new ResourceDefinitionContext.Builder()
          .withGroup("testkit.simgate.dev")
          .withVersion("v1")
          .withKind("Range")
          .withPlural("ranges")
          .withNamespaced(true)
          .build();

  private static KubeControlPlane enclosingPlane;

  @BeforeAll
  static void rememberThePlane(KubeControlPlane plane) {
    enclosingPlane = plane;
  }

  @Test
  void aCelRuleOfACrdRejectsAViolatingObjectWithTheRulesMessage(KubernetesClient client) {
    CustomResourceDefinition crd =
        client.apiextensions().v1().customResourceDefinitions()
            .load(getClass().getResourceAsStream("/range-crd.yaml"))
            .item();
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    client.apiextensions().v1().customResourceDefinitions()
        .withName(crd.getMetadata().getName())
        .waitUntilCondition(
            c -> c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
                .anyMatch(cond -> cond.getType().equals("Established") && cond.getStatus().equals("True")),
            2, TimeUnit.MINUTES);

    var ranges = client.genericKubernetesResources(RANGES).inNamespace("default");
    ranges.resource(range("ordered", 1, 5)).create();

    assertThatThrownBy(() -> ranges.resource(range("inverted", 5, 1)).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
        .hasMessageContaining("spec.min must not be greater than spec.max");
    assertThat(ranges.withName("inverted").get()).isNull();
    assertThat(ranges.withName("ordered").get()).isNotNull();
  }

  @Test
  void anImpersonatedServiceAccountIsAuthorizedByRbac(KubeControlPlane plane, KubernetesClient admin) {
    String ns = "rbac-test";
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    KubernetesClient operator = plane.clientAs("system:serviceaccount:" + ns + ":operator");

    assertThatThrownBy(() -> operator.configMaps().inNamespace(ns).list())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));

    admin.rbac().roles().inNamespace(ns).resource(new RoleBuilder()
            .withNewMetadata().withName("read-configmaps").endMetadata()
            .addNewRule().withApiGroups("").withResources("configmaps").withVerbs("get", "list").endRule()
            .build())
        .create();
    admin.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder()
            .withNewMetadata().withName("operator-reads-configmaps").endMetadata()
            .withNewRoleRef("rbac.authorization.k8s.io", "Role", "read-configmaps")
            .addNewSubject().withKind("ServiceAccount").withName("operator").withNamespace(ns).endSubject()
            .build())
        .create();

    await().atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(operator.configMaps().inNamespace(ns).list().getItems()).isNotNull());
    assertThatThrownBy(() -> operator.secrets().inNamespace(ns).list())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
  }

  @Test
  void kubectlReportsTheRealServerVersion(KubeControlPlane plane, KubernetesClient client) throws Exception {
    String expected = "v" + KubeBinaries.KUBERNETES_VERSION;
    assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo(expected);

    String out = run(plane.kubectl().toString(), "--kubeconfig", plane.kubeconfig().toString(), "version", "-o", "json");
    assertThat(out)
        .contains("\"serverVersion\"")
        .containsPattern("\"clientVersion\"[^}]*\"gitVersion\": \"" + expected + "\"")
        .containsPattern("\"serverVersion\"[^}]*\"gitVersion\": \"" + expected + "\"");
  }

  @Test
  void helmTalksToTheControlPlane(KubeControlPlane plane) throws Exception {
    String out = run(plane.helm().toString(), "--kubeconfig", plane.kubeconfig().toString(),
        "list", "--all-namespaces", "-o", "json");
    assertThat(out.strip()).isEqualTo("[]");
  }

  @Nested
  class NestedWithoutItsOwnAnnotation {
    @Test
    void sharesTheEnclosingControlPlane(KubeControlPlane plane) {
      assertThat(plane).isSameAs(enclosingPlane);
    }
  }

  @Nested
  @WithKubeControlPlane
  class NestedWithItsOwnAnnotation {
    @Test
    void getsAControlPlaneOfItsOwn(KubeControlPlane plane, KubernetesClient client) {
      assertThat(plane).isNotSameAs(enclosingPlane);
      assertThat(plane.serverUrl()).isNotEqualTo(enclosingPlane.serverUrl());
      assertThat(client.namespaces().withName("rbac-test").get()).isNull();
    }
  }

  private static GenericKubernetesResource range(String name, int min, int max) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("testkit.simgate.dev/v1")
        .withKind("Range")
        .withNewMetadata().withName(name).endMetadata()
        .withAdditionalProperties(Map.of("spec", Map.of("min", min, "max", max)))
        .build();
  }

  /** Runs a command; returns its stdout, fails with its output when it exits non-zero. */
  static String run(String... command) throws IOException, InterruptedException {
    Path stderr = Files.createTempFile("simgate-cmd-", ".err");
    try {
      Process process = new ProcessBuilder(List.of(command)).redirectError(stderr.toFile()).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
      assertThat(process.exitValue())
          .as("exit code of %s, output:%n%s%s", String.join(" ", command), out, Files.readString(stderr))
          .isZero();
      return out;
    } finally {
      Files.deleteIfExists(stderr);
    }
  }
}
