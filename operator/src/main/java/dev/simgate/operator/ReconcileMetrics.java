package dev.simgate.operator;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** JOSDK metrics as Prometheus series; labels are the controller name and outcome only (bounded cardinality). */
public final class ReconcileMetrics implements Metrics {
  private final Counter reconciliations;
  private final Histogram duration;

  public ReconcileMetrics(PrometheusRegistry registry) {
    reconciliations = Counter.builder()
        .name("simgate_operator_reconciliations_total")
        .help("Reconciliations by controller and result (success or error).")
        .labelNames("controller", "result")
        .register(registry);
    duration = Histogram.builder()
        .name("simgate_operator_reconcile_duration_seconds")
        .help("Time spent in one reconciliation, by controller.")
        .labelNames("controller")
        .register(registry);
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    long start = System.nanoTime();
    String controller = execution.controllerName();
    try {
      T result = execution.execute();
      reconciliations.labelValues(controller, "success").inc();
      return result;
    } catch (Exception e) {
      reconciliations.labelValues(controller, "error").inc();
      throw e;
    } finally {
      duration.labelValues(controller).observe((System.nanoTime() - start) / 1e9);
    }
  }
}
