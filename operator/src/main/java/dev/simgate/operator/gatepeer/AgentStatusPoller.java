package dev.simgate.operator.gatepeer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.render.AgentConfigRenderer;
import dev.simgate.operator.render.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;

/**
 * Reads every agent's {@code /status} (its node's IP, port 9465: hostNetwork) every few seconds into
 * {@link AgentReports} and has the GatePeer reconciled when what an agent says changes: at once when readiness or a
 * VPG peer's state changed, at most once a minute for round-trip times alone. So the agents keep no API credentials,
 * and status writes are bounded by the poll period whatever the agents do.
 *
 * <p>An event source of the GatePeer controller: it runs only while this operator leads. Requests are bounded in
 * time and number; an agent that does not answer three polls in a row is forgotten (its VPG peers leave the status).
 */
final class AgentStatusPoller extends SimpleInboundEventSource<GatePeer> {
  private static final Logger LOG = LoggerFactory.getLogger(AgentStatusPoller.class);
  static final Duration PERIOD = Duration.ofSeconds(2);
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final Duration RTT_REFRESH = Duration.ofMinutes(1);
  private static final int MISSES_BEFORE_FORGETTING = 3;
  private static final int CONCURRENT = 16;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<List<Pod>> agentPods;
  private final AgentReports reports;
  private final Semaphore concurrent = new Semaphore(CONCURRENT);
  private final Map<String, Integer> misses = new ConcurrentHashMap<>();
  private final Map<String, Long> rttRefreshed = new ConcurrentHashMap<>();
  private ScheduledExecutorService schedule;
  private HttpClient http;

  AgentStatusPoller(Supplier<List<Pod>> agentPods, AgentReports reports) {
    super("agent-status");
    this.agentPods = agentPods;
    this.reports = reports;
  }

  @Override
  public synchronized void start() {
    super.start();
    http = HttpClient.newBuilder().connectTimeout(TIMEOUT).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    schedule = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("agent-status").daemon().factory());
    schedule.scheduleWithFixedDelay(this::pollAll, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (schedule != null) {
      schedule.shutdownNow();
      http.close();
    }
    super.stop();
  }

  private void pollAll() {
    try {
      Map<String, Set<String>> agents = new HashMap<>();
      List<Thread> polls = new ArrayList<>();
      for (Pod pod : agentPods.get()) {
        String gatePeer = pod.getMetadata().getLabels().get(Labels.GATE_PEER);
        String node = pod.getSpec().getNodeName();
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        if (gatePeer == null || node == null || ip == null || pod.getMetadata().getDeletionTimestamp() != null) {
          continue;
        }
        agents.computeIfAbsent(gatePeer, k -> new HashSet<>()).add(node);
        polls.add(Thread.ofVirtual().start(() -> poll(gatePeer, node, ip)));
      }
      for (Thread poll : polls) {
        poll.join();
      }
      reports.retain(agents);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.atWarn().addKeyValue("error", e.toString()).log("polling the agents failed");
    }
  }

  private void poll(String gatePeer, String node, String ip) {
    String key = gatePeer + "/" + node;
    AgentReports.Change change;
    try {
      concurrent.acquire();
      try {
        change = reports.put(gatePeer, node, fetch(ip));
        misses.remove(key);
      } finally {
        concurrent.release();
      }
    } catch (IOException | RuntimeException e) {
      LOG.atDebug().addKeyValue("node", node).addKeyValue("error", e.toString()).log("agent status not read");
      change = misses.merge(key, 1, Integer::sum) >= MISSES_BEFORE_FORGETTING
          ? reports.forget(gatePeer, node) : AgentReports.Change.NONE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    long now = System.nanoTime();
    boolean rttDue = change == AgentReports.Change.RTT
        && now - rttRefreshed.getOrDefault(gatePeer, now - RTT_REFRESH.toNanos()) >= RTT_REFRESH.toNanos();
    if (change == AgentReports.Change.STATE || rttDue) {
      rttRefreshed.put(gatePeer, now);
      propagateEvent(new ResourceID(gatePeer));
    }
  }

  private AgentReports.Report fetch(String ip) throws IOException, InterruptedException {
    URI uri = URI.create("http://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":"
        + AgentConfigRenderer.METRICS.port() + "/status");
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + uri + ": " + response.statusCode());
    }
    return parse(response.body());
  }

  /** The agent's /status JSON (dataplane/.../admin/AgentStatus). */
  static AgentReports.Report parse(String json) throws IOException {
    JsonNode root = JSON.readTree(json);
    List<AgentReports.PeerReport> peers = new ArrayList<>();
    for (JsonNode peer : root.path("vpgPeers")) {
      JsonNode rtt = peer.get("rttSeconds");
      peers.add(new AgentReports.PeerReport(peer.path("address").asText(), peer.path("state").asText(),
          rtt == null || !rtt.isNumber() ? null : rtt.asDouble()));
    }
    return new AgentReports.Report(root.path("ready").asBoolean(false), root.path("reason").asText(""), peers);
  }
}
