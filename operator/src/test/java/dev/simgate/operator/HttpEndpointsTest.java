package dev.simgate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  @Test
  void clientsThatSendHalfARequestHoldNobodyElseAndAreCutOff() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try (HttpEndpoints http = new HttpEndpoints(0, () -> true, () -> true, new PrometheusRegistry());
        HttpClient client = HttpClient.newHttpClient()) {
      for (int i = 0; i < 8; i++) {
        Socket socket = new Socket("127.0.0.1", http.port());
        slow.add(socket);
        socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: op\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port()
          + "/healthz")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).as("answered while 8 clients hold half a request").isEqualTo(200);
      InputStream in = slow.getFirst().getInputStream();
      slow.getFirst().setSoTimeout(60_000);
      await().atMost(Duration.ofSeconds(40)).until(() -> in.read() == -1);
      HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port()
          + "/metrics")).POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
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
