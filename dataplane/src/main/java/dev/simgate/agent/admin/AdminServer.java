package dev.simgate.agent.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.simgate.contract.http.HttpLimits;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The agents' HTTP endpoints (the gate agent's and the node agent's) on the JDK's server, hardened ({@link HttpLimits}): every connection gets its own
 * virtual thread, so one slow or idle client holds nobody else; connections per listener are capped; a request must
 * arrive whole within seconds and its headers are small; anything but GET is refused.
 *
 * <p>Two listeners, so that whoever can reach the second cannot starve the first: {@code admin.listen}
 * (default 127.0.0.1:9464) serves {@code /healthz}, {@code /readyz}, {@code /metrics} and {@code /status} to the
 * kubelet's probes and local tools; {@code admin.metricsListen}, when set, serves only {@code /metrics} and
 * {@code /status} (read-only, for a scraper and the operator).
 */
public final class AdminServer implements AutoCloseable {
  static {
    HttpLimits.apply();
  }

  private final List<HttpServer> servers = new ArrayList<>();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  /** What the endpoints answer with; each is called on a request's own thread and may block briefly. */
  public interface Content {
    Health live();

    Health ready();

    /** Everything {@code /metrics} exports, read now. */
    MetricSnapshots metrics();

    /** The program's state as JSON ({@code /status}). */
    byte[] status();
  }

  /**
   * @param listen probes and everything else
   * @param metricsListen metrics and status only; null: none
   */
  public AdminServer(InetSocketAddress listen, InetSocketAddress metricsListen, Content content) throws IOException {
    try {
      HttpServer probes = start(listen);
      probes.createContext("/healthz", get(exchange -> health(exchange, content.live())));
      probes.createContext("/readyz", get(exchange -> health(exchange, content.ready())));
      serveReadOnly(probes, content);
      if (metricsListen != null) {
        serveReadOnly(start(metricsListen), content);
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private HttpServer start(InetSocketAddress address) throws IOException {
    HttpServer server = HttpServer.create(address, HttpLimits.BACKLOG);
    server.setExecutor(executor);
    servers.add(server);
    server.start();
    return server;
  }

  private static void serveReadOnly(HttpServer server, Content content) {
    var writer = PrometheusTextFormatWriter.create();
    server.createContext("/metrics", get(exchange -> {
      var body = new ByteArrayOutputStream();
      writer.write(body, content.metrics(), EscapingScheme.ALLOW_UTF8);
      respond(exchange, 200, writer.getContentType(), body.toByteArray());
    }));
    server.createContext("/status", get(exchange ->
        respond(exchange, 200, "application/json", content.status())));
  }

  /** The bound addresses, the probes' first. */
  public List<InetSocketAddress> addresses() {
    return servers.stream().map(HttpServer::getAddress).toList();
  }

  public InetSocketAddress address() {
    return servers.getFirst().getAddress();
  }

  /** GET (and HEAD) only, exact paths only: nothing here takes input. */
  private static HttpHandler get(HttpHandler handler) {
    return exchange -> {
      try (exchange) {
        String method = exchange.getRequestMethod();
        if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
          respond(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
        } else if (!method.equals("GET") && !method.equals("HEAD")) {
          exchange.getResponseHeaders().set("Allow", "GET, HEAD");
          respond(exchange, 405, "text/plain; charset=utf-8", "GET only\n".getBytes(StandardCharsets.UTF_8));
        } else {
          handler.handle(exchange);
        }
      } catch (RuntimeException e) {
        // e.g. the event loop did not answer a scrape: the client sees the connection close
      }
    };
  }

  private static void health(HttpExchange exchange, Health health) throws IOException {
    respond(exchange, health.ok() ? 200 : 503, "text/plain; charset=utf-8",
        ((health.ok() ? "ok: " : "not ready: ") + health.reason() + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange exchange, int code, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(code, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Stops listening at once (the sockets are free when this returns). */
  @Override
  public void close() {
    for (HttpServer server : servers) {
      server.stop(0);
    }
    executor.shutdownNow();
  }
}
