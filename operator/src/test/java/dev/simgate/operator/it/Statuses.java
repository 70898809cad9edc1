package dev.simgate.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.simgate.operator.api.v1alpha1.StatusBase;
import dev.simgate.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Assertions on the kstatus conditions and Events of SimGate resources, shared by the operator's scenario tests. */
final class Statuses {
  private Statuses() {}

  static Condition ready(List<Condition> conditions) {
    return Conditions.find(conditions, Conditions.READY);
  }

  static <T extends HasMetadata> String version(KubernetesClient admin, Class<T> type, String namespace, String name) {
    return admin.resources(type).inNamespace(namespace).withName(name).get().getMetadata().getResourceVersion();
  }

  /** Ready=True for the current generation, now. */
  static <T extends HasMetadata> void assertReady(KubernetesClient admin, Class<T> type, String namespace, String name) {
    T object = get(admin, type, namespace, name);
    StatusBase status = status(type, object);
    assertThat(status).isNotNull();
    assertThat(ready(status.conditions).getStatus()).as("Ready of %s: %s", name, ready(status.conditions)).isEqualTo("True");
    assertThat(status.observedGeneration).isEqualTo(object.getMetadata().getGeneration());
  }

  /** Eventually Ready=False and Stalled=True with {@code reason} for the current generation, and a Warning Event. */
  static <T extends HasMetadata> void assertStalled(KubernetesClient admin, Class<T> type, String namespace, String name,
      String reason) {
    Cluster.await().untilAsserted(() -> {
      T object = get(admin, type, namespace, name);
      StatusBase status = status(type, object);
      assertThat(status).isNotNull();
      Condition ready = ready(status.conditions);
      assertThat(ready.getStatus()).isEqualTo("False");
      assertThat(ready.getReason()).isEqualTo(reason);
      assertThat(Conditions.isTrue(status.conditions, Conditions.STALLED)).as("Stalled").isTrue();
      assertThat(status.observedGeneration).isEqualTo(object.getMetadata().getGeneration());
      String eventNamespace = namespace == null ? "default" : namespace;
      assertThat(admin.v1().events().inNamespace(eventNamespace).list().getItems())
          .anySatisfy(e -> {
            assertThat(e.getInvolvedObject().getUid()).isEqualTo(object.getMetadata().getUid());
            assertThat(e.getReason()).isEqualTo(reason);
            assertThat(e.getType()).isEqualTo("Warning");
          });
    });
  }

  private static <T extends HasMetadata> T get(KubernetesClient admin, Class<T> type, String namespace, String name) {
    return namespace == null ? admin.resources(type).withName(name).get()
        : admin.resources(type).inNamespace(namespace).withName(name).get();
  }

  private static <T extends HasMetadata> StatusBase status(Class<T> type, T object) {
    try {
      return (StatusBase) type.getMethod("getStatus").invoke(object);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
