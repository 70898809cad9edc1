package dev.simgate.operator.it;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * JOSDK metrics that also tell when a controller has used up the retries of a resource: an execution that JOSDK
 * started as the last attempt failed. Delegates everything to the operator's own metrics.
 */
final class RetriesExhausted implements Metrics {
  private final Metrics delegate;
  private final String controller;
  private final Map<ResourceID, RetryInfo> retries = new ConcurrentHashMap<>();
  private final Map<ResourceID, Boolean> exhausted = new ConcurrentHashMap<>();

  /** @param controller the controller whose retries are watched (its resources' names must be unique) */
  RetriesExhausted(Metrics delegate, String controller) {
    this.delegate = delegate;
    this.controller = controller;
  }

  boolean exhausted(ResourceID resource) {
    return exhausted.getOrDefault(resource, false);
  }

  @Override
  public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    if (retryInfo != null) {
      retries.put(ResourceID.fromResource(resource), retryInfo);
    }
    delegate.reconcileCustomResource(resource, retryInfo, metadata);
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    try {
      return delegate.timeControllerExecution(execution);
    } catch (Exception e) {
      RetryInfo retry = retries.get(execution.resourceID());
      if (controller.equals(execution.controllerName()) && retry != null && retry.isLastAttempt()) {
        exhausted.put(execution.resourceID(), true);
      }
      throw e;
    }
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    retries.remove(ResourceID.fromResource(resource));
    delegate.finishedReconciliation(resource, metadata);
  }
}
