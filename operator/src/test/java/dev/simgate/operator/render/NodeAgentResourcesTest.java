package dev.simgate.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.GatePeerSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;

class NodeAgentResourcesTest {
  static GatePeer gatePeer(String name, String uid) {
    GatePeer gp = new GatePeer(name, new GatePeerSpec("vpg", Map.of("a", "b"), "10.255.255.0/24"));
    gp.getMetadata().setUid(uid);
    return gp;
  }

  @Test
  void everyGatePeerOwnsTheNodeAgentSoTheLastOneTakesItAway() {
    List<OwnerReference> owners = NodeAgentResources.owners(gatePeer("zeta", "u2"),
        List.of(gatePeer("zeta", "u2"), gatePeer("alpha", "u1")));
    assertThat(owners).extracting(OwnerReference::getName).containsExactly("alpha", "zeta");
    assertThat(owners).allSatisfy(o -> {
      assertThat(o.getKind()).isEqualTo("GatePeer");
      assertThat(o.getApiVersion()).isEqualTo("simgate.dev/v1alpha1");
      assertThat(o.getController()).as("shared, no controller").isNull();
    });
  }

  @Test
  void aReconcileAfterTheLastGatePeerWentStillNamesAnOwnerSoTheGarbageCollectorTakesItsWritesAway() {
    // The race: a GatePeer's reconcile runs once the cache holds no live GatePeer (its own deletion included).
    assertThat(NodeAgentResources.owners(gatePeer("gone", "u3"), List.of()))
        .singleElement().satisfies(o -> {
          assertThat(o.getName()).isEqualTo("gone");
          assertThat(o.getUid()).isEqualTo("u3");
        });
  }

  @Test
  void theRoleNamesExactlyTheNodesPolicyConfigMapsAndNeverEveryConfigMap() {
    var role = NodeAgentResources.role("simgate-system", List.of(), List.of("node-2", "node-1"));
    assertThat(role.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("");
      assertThat(rule.getResources()).containsExactly("configmaps");
      assertThat(rule.getVerbs()).containsExactly("get", "watch");
      assertThat(rule.getResourceNames())
          .containsExactly("simgate-steering-table", "simgate-node-node-1", "simgate-node-node-2");
    });
    // Never no resourceNames (that would mean every ConfigMap of the namespace): the table is always named.
    assertThat(NodeAgentResources.role("simgate-system", List.of(), List.of()).getRules().getFirst().getResourceNames())
        .containsExactly("simgate-steering-table");
  }

  @Test
  void theDaemonSetRunsTheOperatorsAgentImageOnEveryNodeWithNetAdminOnly() {
    DaemonSet ds = NodeAgentResources.daemonSet("simgate-system", List.of(),
        new AgentImage("registry.example.com/simgate/agent:1.2.3", "Always"));
    assertThat(ds.getMetadata().getName()).isEqualTo("simgate-node-agent");
    assertThat(ds.getSpec().getSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "simgate-node-agent");
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getServiceAccountName()).isEqualTo("simgate-node-agent");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
    assertThat(pod.getTolerations()).singleElement().satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
    assertThat(pod.getNodeSelector()).isNullOrEmpty();
    Container container = pod.getContainers().getFirst();
    assertThat(container.getImage()).isEqualTo("registry.example.com/simgate/agent:1.2.3");
    assertThat(container.getImagePullPolicy()).isEqualTo("Always");
    assertThat(container.getArgs()).containsExactly("node", "--handover-wait", "PT10S");
    assertThat(container.getEnv()).extracting(e -> e.getName() + "=" + (e.getValueFrom() == null ? e.getValue()
        : e.getValueFrom().getFieldRef().getFieldPath())).contains("NODE_NAME=spec.nodeName",
            "POD_NAMESPACE=metadata.namespace");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getReadinessProbe().getHttpGet().getHost()).isEqualTo("127.0.0.1");
    assertThat(container.getPorts()).as("no host ports: a surge pod fits beside the old one").isEmpty();
    assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    assertThat(container.getSecurityContext().getRunAsUser()).isZero();
    assertThat(container.getSecurityContext().getPrivileged()).isFalse();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getSecurityContext().getCapabilities().getAdd()).containsExactly("NET_ADMIN");
    assertThat(container.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount");
      assertThat(m.getReadOnly()).isTrue();
    });
    assertThat(pod.getVolumes()).filteredOn(v -> v.getProjected() != null).singleElement().satisfies(v ->
        assertThat(v.getProjected().getSources()).anySatisfy(s -> assertThat(s.getServiceAccountToken().getPath())
            .isEqualTo("token")));
    assertThat(pod.getVolumes()).noneMatch(v -> v.getHostPath() != null);
  }
}
