package dev.simgate.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

class HttpEndpointsTest {
  @Test
  void servesHealthReadinessAndMetrics() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    ReconcileMetrics metrics = new ReconcileMetrics(registry);
    metrics.timeControllerExecution(execution("gatepeer", () -> "ok"));
    try {
      metrics.timeControllerExecution(execution("gatepeer", () -> {
        throw new IllegalStateException("boom");
      }));
    } catch (IllegalStateException expected) {
      // counted as an error
    }
    AtomicBoolean ready = new AtomicBoolean(false);
    try (HttpEndpoints http = new HttpEndpoints(0, () -> true, ready::get, registry);
        HttpClient client = HttpClient.newHttpClient()) {
      String base = "http://127.0.0.1:" + http.port();
      assertThat(get(client, base + "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(client, base + "/readyz").statusCode()).isEqualTo(503);
      ready.set(true);
      assertThat(get(client, base + "/readyz").statusCode()).isEqualTo(200);
      HttpResponse<String> scrape = get(client, base + "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).contains(
          "simgate_operator_reconciliations_total{controller=\"gatepeer\",result=\"success\"} 1.0",
          "simgate_operator_reconciliations_total{controller=\"gatepeer\",result=\"error\"} 1.0",
          "simgate_operator_reconcile_duration_seconds_count{controller=\"gatepeer\"} 2");
    }
  }

  private static Metrics.ControllerExecution<String> execution(String controller, Callable<String> body) {
    return new Metrics.ControllerExecution<>() {
      @Override
      public String name() {
        return "reconcile";
      }

      @Override
      public String controllerName() {
        return controller;
      }

      @Override
      public String successTypeName(String result) {
        return result;
      }

      @Override
      public ResourceID resourceID() {
        return new ResourceID("gp1");
      }

      @Override
      public Map<String, Object> metadata() {
        return Map.of();
      }

      @Override
      public String execute() throws Exception {
        return body.call();
      }
    };
  }

  private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
