package dev.simgate.agent.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** {@code /healthz}, {@code /readyz} and {@code /metrics} on the JDK's HTTP server, one thread. */
public final class AdminServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  /**
   * @param live whether the event loop still answers
   * @param ready whether the interface is up with its address and the socket is bound
   * @param metrics one scrape's sample (taken on the event loop)
   */
  public AdminServer(InetSocketAddress listen, BooleanSupplier live, BooleanSupplier ready,
      Supplier<AgentMetrics.Sample> metrics) throws IOException {
    server = HttpServer.create(listen, 16);
    executor = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("admin-http").daemon().factory());
    server.setExecutor(executor);
    var writer = PrometheusTextFormatWriter.create();
    server.createContext("/healthz", exchange -> status(exchange, live.getAsBoolean(), "ok\n", "event loop stuck\n"));
    server.createContext("/readyz", exchange -> status(exchange, ready.getAsBoolean(), "ready\n", "not ready\n"));
    server.createContext("/metrics", exchange -> {
      var body = new ByteArrayOutputStream();
      writer.write(body, AgentMetrics.snapshots(metrics.get()), EscapingScheme.ALLOW_UTF8);
      respond(exchange, 200, writer.getContentType(), body.toByteArray());
    });
    server.start();
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static void status(HttpExchange exchange, boolean ok, String yes, String no) throws IOException {
    respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", (ok ? yes : no).getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange exchange, int code, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
