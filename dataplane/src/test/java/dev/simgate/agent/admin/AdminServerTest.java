package dev.simgate.agent.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simgate.agent.forward.DropReason;
import dev.simgate.agent.forward.Stats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoint under clients that do not play along (issue 11, item 1): with the JDK server's defaults one
 * connection with half a request held its only thread, so /healthz stopped answering, the liveness probe failed and the
 * kubelet restarted the agent.
 */
class AdminServerTest {
  private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);
  private final List<Socket> clients = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AdminServer server = server();

  @AfterEach
  void close() throws IOException {
    for (Socket client : clients) {
      client.close();
    }
    server.close();
    http.close();
  }

  @Test
  void servesHealthReadinessMetricsAndStatus() throws Exception {
    assertThat(get("/healthz").body()).isEqualTo("ok: event loop answers\n");
    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).isEqualTo("not ready: no VPG peer answers\n");
    assertThat(get("/metrics").body()).contains("simgate_ready 0.0", "simgate_dropped_packets_total{reason=\"unknown_peer\"} 7.0",
        "simgate_dropped_packets_total{reason=\"unknown_peer_kernel\"} 9.0",
        "simgate_policy_dropped_packets_total{reason=\"inbound_to_node\"} 4.0",
        "simgate_policy_dropped_packets_total{reason=\"inbound_routed\"} 0.0");
    assertThat(get("/status").body()).isEqualTo("{\"ready\":false,\"reason\":\"no VPG peer answers\",\"vpgPeers\":[]}");
    assertThat(get("/healthz/more").statusCode()).isEqualTo(404);
  }

  @Test
  void clientsThatSendHalfARequestHoldNobodyElse() throws Exception {
    for (int i = 0; i < 8; i++) {
      halfRequest(server.address());
    }
    assertThat(get("/healthz").statusCode()).as("the probe is answered meanwhile").isEqualTo(200);
  }

  @Test
  void aHalfRequestIsCutOffAfterSeconds() throws Exception {
    Socket slow = halfRequest(server.address());
    slow.setSoTimeout(60_000);
    InputStream in = slow.getInputStream();
    await().atMost(Duration.ofSeconds(40)).until(() -> in.read() == -1);
  }

  @Test
  void oversizedRequestsAndOtherMethodsAreRefused() throws Exception {
    int huge;
    try {
      huge = http.send(HttpRequest.newBuilder(uri("/healthz")).header("X-Padding", "x".repeat(20_000))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    } catch (IOException closed) {
      huge = -1; // the server hangs up on headers over the cap
    }
    assertThat(huge).as("20 KiB of headers are not served").isIn(-1, 431);
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/healthz"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void theSecondListenerServesOnlyMetricsAndStatus() throws Exception {
    try (AdminServer both = new AdminServer(ANY_PORT, ANY_PORT, content())) {
      InetSocketAddress metrics = both.addresses().get(1);
      String base = "http://127.0.0.1:" + metrics.getPort();
      assertThat(send(base + "/metrics").statusCode()).isEqualTo(200);
      assertThat(send(base + "/status").statusCode()).isEqualTo(200);
      assertThat(send(base + "/healthz").statusCode()).isEqualTo(404);
      assertThat(send(base + "/readyz").statusCode()).isEqualTo(404);
    }
  }

  private Socket halfRequest(InetSocketAddress address) throws IOException {
    Socket socket = new Socket(address.getAddress(), address.getPort());
    clients.add(socket);
    OutputStream out = socket.getOutputStream();
    out.write("GET /healthz HTTP/1.1\r\nHost: agent\r\n".getBytes(StandardCharsets.US_ASCII)); // no blank line
    out.flush();
    return socket;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(uri(path).toString());
  }

  private HttpResponse<String> send(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
  }

  private static AdminServer server() {
    try {
      return new AdminServer(ANY_PORT, null, content());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static AdminServer.Content content() {
    Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
    for (DropReason reason : DropReason.values()) {
      drops.put(reason, reason == DropReason.UNKNOWN_PEER ? 7L : 0L);
    }
    Health notReady = new Health(false, "no VPG peer answers");
    var sample = new AgentMetrics.Sample(new Stats(List.of(), drops, 0, 0, 0), 0, 0, 0, notReady,
        Map.of("non_peer", 9L, "inbound_to_node", 4L));
    return new AdminServer.Content() {
      @Override
      public Health live() {
        return new Health(true, "event loop answers");
      }

      @Override
      public Health ready() {
        return notReady;
      }

      @Override
      public io.prometheus.metrics.model.snapshots.MetricSnapshots metrics() {
        return AgentMetrics.snapshots(sample);
      }

      @Override
      public byte[] status() {
        return AgentStatus.json(sample);
      }
    };
  }
}
