package dev.simgate.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simgate.contract.nodepolicy.NodePolicy;
import dev.simgate.contract.nodepolicy.NodePolicyCodec;
import dev.simgate.testkit.KubeControlPlane;
import dev.simgate.testkit.WithKubeControlPlane;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.AfterAll;

/**
 * The node agent's policy source against a real kube-apiserver, with the access the operator gives it: a service
 * account whose Role allows {@code get} and {@code watch} of its own ConfigMap by name and nothing else. The document
 * arrives when the ConfigMap is created, changed and deleted, as the watch reports it (no kubelet sync period), the
 * token is read again for every request, and another node's ConfigMap is refused by the API server.
 */
@WithKubeControlPlane
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfigMapWatchIT {
  private static final String NAMESPACE = "simgate-system";
  private static final String MINE = "simgate-node-a";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private Path dir;
  private Path token;
  private Path ca;
  private String server;

  @BeforeAll
  void serviceAccount(KubernetesClient admin, KubeControlPlane plane) throws Exception {
    dir = Files.createTempDirectory("configmap-watch-");
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    admin.serviceAccounts().inNamespace(NAMESPACE).resource(new ServiceAccountBuilder().withNewMetadata()
        .withName("simgate-node-agent").endMetadata().build()).create();
    admin.rbac().roles().inNamespace(NAMESPACE).resource(new RoleBuilder().withNewMetadata()
        .withName("simgate-node-agent").endMetadata().addNewRule().withApiGroups("").withResources("configmaps")
        .withVerbs("get", "watch").withResourceNames(MINE).endRule().build()).create();
    admin.rbac().roleBindings().inNamespace(NAMESPACE).resource(new RoleBindingBuilder().withNewMetadata()
        .withName("simgate-node-agent").endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role",
            "simgate-node-agent").addNewSubject().withKind("ServiceAccount").withName("simgate-node-agent")
        .withNamespace(NAMESPACE).endSubject().build()).create();
    token = dir.resolve("token");
    Files.writeString(token, tokenOf(admin, "simgate-node-agent"));
    ca = dir.resolve("ca.crt");
    Files.write(ca, Base64.getDecoder().decode(admin.getConfiguration().getCaCertData()));
    server = plane.serverUrl();
  }

  @AfterAll
  void removeFiles() throws java.io.IOException {
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(dir);
  }

  @Test
  void theDocumentFollowsTheConfigMapThroughTheWatch(KubernetesClient admin) throws Exception {
    var events = new LinkedBlockingQueue<String>();
    try (ConfigMapWatch watch = new ConfigMapWatch(new KubeApi(URI.create(server), token, ca), NAMESPACE, MINE)) {
      watch.start(listener(events));
      assertThat(next(events)).as("no ConfigMap yet").isEqualTo("absent");

      String first = NodePolicyCodec.write(NodePolicy.closed("a"));
      long created = System.nanoTime();
      admin.configMaps().inNamespace(NAMESPACE).resource(configMap(first)).create();
      assertThat(next(events)).isEqualTo("document " + first);
      long seen = System.nanoTime();

      String changed = NodePolicyCodec.write(new NodePolicy("a", java.util.List.of(new NodePolicy.Access("factory/sims",
          java.util.List.of(dev.simgate.contract.net.Ipv4.parse("10.88.1.2")),
          java.util.List.of(dev.simgate.contract.net.Cidr.parse("10.128.1.0/24")))), null, java.util.List.of()));
      admin.configMaps().inNamespace(NAMESPACE).resource(configMap(changed)).update();
      assertThat(next(events)).isEqualTo("document " + changed);

      admin.configMaps().inNamespace(NAMESPACE).withName(MINE).delete();
      assertThat(next(events)).isEqualTo("absent");
      assertThat(events.poll(1, TimeUnit.SECONDS)).as("nothing went wrong on the way").isNull();
      System.out.printf("ConfigMapWatchIT: a created ConfigMap reached the node agent's source in %.1f ms%n",
          (seen - created) / 1e6);
    }
  }

  @Test
  void anotherNodesConfigMapIsRefusedAndTheTokenIsReadForEveryRequest(KubernetesClient admin) throws Exception {
    var events = new LinkedBlockingQueue<String>();
    try (ConfigMapWatch watch = new ConfigMapWatch(new KubeApi(URI.create(server), token, ca), NAMESPACE,
        "simgate-node-b")) {
      watch.start(listener(events));
      assertThat(next(events)).startsWith("trouble").contains("HTTP 403");
    }
    KubeApi api = new KubeApi(URI.create(server), token, ca);
    assertThat(api.get("/api/v1/namespaces/" + NAMESPACE + "/configmaps").statusCode()).as("no list").isEqualTo(403);
    assertThat(api.get("/api/v1/namespaces/" + NAMESPACE + "/configmaps/" + MINE).statusCode()).isIn(200, 404);
    Path rotated = dir.resolve("rotated");
    Files.writeString(rotated, Files.readString(token));
    KubeApi rotating = new KubeApi(URI.create(server), rotated, ca);
    Files.writeString(rotated, "not-a-token");
    assertThat(rotating.get("/api/v1/namespaces/" + NAMESPACE + "/configmaps/" + MINE).statusCode())
        .as("the file as it is now").isEqualTo(401);
  }

  private static PolicySource.Listener listener(LinkedBlockingQueue<String> events) {
    return new PolicySource.Listener() {
      @Override
      public void document(String json) {
        events.add("document " + json);
      }

      @Override
      public void absent() {
        events.add("absent");
      }

      @Override
      public void trouble(String problem) {
        events.add("trouble " + problem);
      }
    };
  }

  private static String next(LinkedBlockingQueue<String> events) throws InterruptedException {
    String event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(event).as("an event within %s", WAIT).isNotNull();
    return event;
  }

  private static io.fabric8.kubernetes.api.model.ConfigMap configMap(String json) {
    return new ConfigMapBuilder().withNewMetadata().withName(MINE).withNamespace(NAMESPACE).endMetadata()
        .withData(Map.of(NodePolicy.KEY, json)).build();
  }

  private static String tokenOf(KubernetesClient admin, String serviceAccount) {
    return admin.serviceAccounts().inNamespace(NAMESPACE).withName(serviceAccount)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
        .getStatus().getToken();
  }
}
