package dev.simgate.operator.status;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Writes core/v1 Events about our resources; events of cluster-scoped objects go to "default", as kubectl expects. */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final String COMPONENT = "simgate-operator";

  private final KubernetesClient client;

  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Logs and records an Event when the Ready outcome (status or reason) changes between two condition lists, so a
   * steady state stays quiet and an operator restart does not repeat old Events.
   */
  public void readyChanged(HasMetadata object, List<Condition> previous, List<Condition> next) {
    Condition before = Conditions.find(previous, Conditions.READY);
    Condition after = Conditions.find(next, Conditions.READY);
    if (after == null || (before != null && Objects.equals(before.getReason(), after.getReason())
        && Objects.equals(before.getStatus(), after.getStatus()))) {
      return;
    }
    String name = object.getMetadata().getNamespace() == null ? object.getMetadata().getName()
        : object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    LOG.atInfo().addKeyValue("kind", object.getKind()).addKeyValue("name", name)
        .addKeyValue("ready", after.getStatus()).addKeyValue("reason", after.getReason())
        .addKeyValue("message", after.getMessage()).log("ready state changed");
    if (Conditions.isTrue(next, Conditions.STALLED)) {
      warning(object, after.getReason(), after.getMessage());
    } else if ("True".equals(after.getStatus())) {
      normal(object, after.getReason(), after.getMessage());
    }
  }

  public void warning(HasMetadata object, String reason, String message) {
    record(object, "Warning", reason, message);
  }

  public void normal(HasMetadata object, String reason, String message) {
    record(object, "Normal", reason, message);
  }

  private void record(HasMetadata object, String type, String reason, String message) {
    String namespace = object.getMetadata().getNamespace() == null ? "default" : object.getMetadata().getNamespace();
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    var event = new EventBuilder()
        .withNewMetadata()
        .withName(object.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
        .withNamespace(namespace)
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion(object.getApiVersion())
        .withKind(object.getKind())
        .withName(object.getMetadata().getName())
        .withNamespace(object.getMetadata().getNamespace())
        .withUid(object.getMetadata().getUid())
        .withResourceVersion(object.getMetadata().getResourceVersion())
        .endInvolvedObject()
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      // An Event is a courtesy; failing to write one must not fail the reconcile.
      LOG.atWarn().addKeyValue("object", object.getMetadata().getName()).addKeyValue("reason", reason)
          .addKeyValue("error", e.getMessage()).log("cannot record event");
    }
  }
}
