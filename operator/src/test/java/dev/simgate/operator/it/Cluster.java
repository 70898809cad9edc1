package dev.simgate.operator.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Installation steps the integration tests share: CRDs from crds/, the operator's RBAC from the chart's files. */
final class Cluster {
  static final Path CRDS = Path.of(System.getProperty("simgate.crds.dir", "../crds"));
  static final Path RULES = CRDS.resolveSibling("charts/simgate/files/operator-rules.yaml");
  static final Path NAMESPACE_RULES = CRDS.resolveSibling("charts/simgate/files/operator-namespace-rules.yaml");

  private Cluster() {}

  static void installCrds(KubernetesClient client) throws IOException {
    installCrds(client, CRDS);
  }

  /** The CRDs of {@code dir} (another revision's, for a benchmark's baseline). */
  static void installCrds(KubernetesClient client, Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          var crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
          client.resource(crd).serverSideApply();
        }
      }
    }
    for (CustomResourceDefinition crd : client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream()
                  .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
              30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /**
   * The operator's ServiceAccount {@code name} in {@code namespace}, bound to exactly the chart's rules: the
   * ClusterRole of contract 3 and the Role in its own namespace. Tests then run the operator impersonating it.
   *
   * @return the user name to impersonate
   */
  static String installOperatorRbac(KubernetesClient admin, String namespace, String name) {
    admin.resource(new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata()
        .withRules(rules(RULES)).build()).create();
    admin.resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", name)
        .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(namespace).endSubject()
        .build()).create();
    admin.resource(new RoleBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withRules(rules(NAMESPACE_RULES)).build()).create();
    admin.resource(new RoleBindingBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
        .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(namespace).endSubject()
        .build()).create();
    return "system:serviceaccount:" + namespace + ":" + name;
  }

  private static List<PolicyRule> rules(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      PolicyRule[] rules = Serialization.unmarshal(in, PolicyRule[].class);
      return List.of(rules);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ConditionFactory await() {
    return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions();
  }
}
