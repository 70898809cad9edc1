package dev.simgate.operator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.simgate.contract.http.HttpLimits;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * /healthz (process alive), /readyz (controllers started, informers healthy) and /metrics on one small JDK server,
 * hardened against clients that do not play along ({@link HttpLimits}): every connection gets its own virtual thread,
 * so one that sends half a request holds nobody else (with the JDK's default single thread it held /healthz, and the
 * kubelet restarted the operator); requests must arrive within seconds, headers are small, connections capped; only
 * GET is served. Any pod can reach this port, so none of that is optional.
 */
public final class HttpEndpoints implements AutoCloseable {
  static {
    HttpLimits.apply();
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  public HttpEndpoints(int port, BooleanSupplier live, BooleanSupplier ready, PrometheusRegistry registry)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), HttpLimits.BACKLOG);
    server.setExecutor(executor);
    server.createContext("/healthz", get(ex -> status(ex, live.getAsBoolean())));
    server.createContext("/readyz", get(ex -> status(ex, ready.getAsBoolean())));
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    server.createContext("/metrics", get(ex -> {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      writer.write(body, registry.scrape());
      ex.getResponseHeaders().set("Content-Type", writer.getContentType());
      send(ex, 200, body.toByteArray());
    }));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** GET on the exact path only: nothing here takes input. */
  private static HttpHandler get(HttpHandler handler) {
    return ex -> {
      try (ex) {
        if (!ex.getRequestURI().getPath().equals(ex.getHttpContext().getPath())) {
          send(ex, 404, "not found\n".getBytes(StandardCharsets.UTF_8));
        } else if (!ex.getRequestMethod().equals("GET")) {
          ex.getResponseHeaders().set("Allow", "GET");
          send(ex, 405, "GET only\n".getBytes(StandardCharsets.UTF_8));
        } else {
          handler.handle(ex);
        }
      }
    };
  }

  private static void status(HttpExchange ex, boolean ok) throws IOException {
    send(ex, ok ? 200 : 503, (ok ? "ok\n" : "not ready\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int code, byte[] body) throws IOException {
    ex.sendResponseHeaders(code, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
