package dev.simgate.operator.status;

import java.util.List;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.simgate.operator.api.v1alpha1.StatusBase;
import dev.simgate.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;

/**
 * Makes a failed reconcile visible: {@code Ready=False} with reason {@code ReconcileError} and what failed, first as
 * {@code Reconciling} (a retry is coming), as {@code Stalled} once the retries are used up (the periodic resync still
 * tries again), and a Warning Event when it starts. Everything else in the status is kept as it was.
 */
public final class ReconcileErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileErrors.class);
  private static final int MAX_MESSAGE = 1024;

  private final Conditions conditions;
  private final EventRecorder events;

  public ReconcileErrors(Conditions conditions, EventRecorder events) {
    this.conditions = conditions;
    this.events = events;
  }

  /**
   * @param copy a copy of the previous status (or a new one), whose conditions and observedGeneration are replaced
   */
  public <S extends StatusBase, P extends CustomResource<?, S>> ErrorStatusUpdateControl<P> status(P primary,
      Context<P> context, Exception error, S copy, Supplier<P> empty) {
    String message = describe(error);
    boolean lastAttempt = context.getRetryInfo().map(RetryInfo::isLastAttempt).orElse(true);
    long generation = primary.getMetadata().getGeneration();
    List<Condition> previous = primary.getStatus() == null ? null : primary.getStatus().conditions;
    copy.conditions = lastAttempt
        ? conditions.stalled(generation, Problem.RECONCILE_ERROR, message, previous)
        : conditions.reconciling(generation, Problem.RECONCILE_ERROR, message, previous);
    copy.observedGeneration = generation;
    Condition before = Conditions.find(previous, Conditions.READY);
    if (before == null || !Problem.RECONCILE_ERROR.equals(before.getReason())) {
      LOG.atWarn().addKeyValue("kind", primary.getKind()).addKeyValue("name", primary.getMetadata().getName())
          .addKeyValue("namespace", primary.getMetadata().getNamespace()).addKeyValue("error", message)
          .log("reconcile failed");
      events.warning(primary, Problem.RECONCILE_ERROR, message);
    }
    P fresh = empty.get();
    fresh.getMetadata().setName(primary.getMetadata().getName());
    fresh.getMetadata().setNamespace(primary.getMetadata().getNamespace());
    fresh.setStatus(copy);
    return ErrorStatusUpdateControl.patchStatus(fresh);
  }

  /** What failed, in one line: the API's answer where there is one, else the innermost cause. */
  public static String describe(Throwable error) {
    Throwable cause = error;
    if (cause instanceof AggregatedOperatorException aggregated && !aggregated.getAggregatedExceptions().isEmpty()) {
      cause = aggregated.getAggregatedExceptions().values().iterator().next();
    }
    String text = null;
    for (Throwable t = cause; t != null && text == null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getStatus() != null && k.getCode() > 0) {
        text = "API answered " + k.getCode() + ": " + k.getStatus().getMessage();
      }
    }
    if (text == null) {
      Throwable root = cause;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      text = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
    text = text.replaceAll("\\s+", " ").strip();
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE - 1) + "…";
  }
}
