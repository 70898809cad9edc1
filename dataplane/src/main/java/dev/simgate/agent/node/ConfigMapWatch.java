package dev.simgate.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simgate.contract.nodepolicy.NodePolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's policy from its ConfigMap ({@code simgate-node-<node>}, key {@value NodePolicy#KEY}), watched through the
 * API: a mounted ConfigMap reaches a pod only after the kubelet's sync (about a minute), too slow for pods that come
 * and go. Needs only {@code get} and {@code watch} of that one ConfigMap: a GET for the current state and its
 * resourceVersion, then a watch with {@code fieldSelector=metadata.name=...} from there (which the API server
 * authorizes against {@code resourceNames}); a watch that ends is resumed from the last resourceVersion seen, one
 * whose version expired (410 Gone) starts over with a GET, and errors are retried with backoff (1 s doubling to
 * 30 s). A stream that stays silent longer than the watch's own timeout is dropped and resumed.
 */
final class ConfigMapWatch implements PolicySource {
  private static final Logger log = LoggerFactory.getLogger(ConfigMapWatch.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int WATCH_SECONDS = 290;
  private static final Duration SILENCE = Duration.ofSeconds(WATCH_SECONDS + 30);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final KubeApi api;
  private final String namespace;
  private final String name;
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("policy-watchdog").daemon().factory());
  private volatile boolean closed;
  private volatile InputStream stream;
  private Thread thread;

  ConfigMapWatch(KubeApi api, String namespace, String name) {
    this.api = api;
    this.namespace = namespace;
    this.name = name;
  }

  /** The ConfigMap of {@code node}: the name the operator writes it under (hashed for a very long node name). */
  static String configMapName(String node) {
    return NodePolicy.configMapName(node);
  }

  @Override
  public void start(Listener listener) {
    thread = Thread.ofPlatform().name("policy-watch").daemon().start(() -> run(listener));
  }

  @Override
  public String describe() {
    return "ConfigMap " + namespace + "/" + name;
  }

  private void run(Listener listener) {
    Duration backoff = Duration.ofSeconds(1);
    String resourceVersion = null;
    boolean listed = false;
    while (!closed) {
      try {
        if (!listed) {
          resourceVersion = get(listener);
          listed = true;
        }
        resourceVersion = watch(listener, resourceVersion);
        backoff = Duration.ofSeconds(1);
      } catch (Expired e) {
        listed = false; // start over from the current state
      } catch (IOException e) {
        if (closed) {
          return;
        }
        listener.trouble(describe() + ": " + e.getMessage());
        log.atWarn().addKeyValue("configMap", namespace + "/" + name).addKeyValue("reason", e.getMessage())
            .addKeyValue("retryIn", backoff).log("cannot read this node's policy; the running one stays");
        sleep(backoff);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        if (resourceVersion == null) {
          listed = false;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The ConfigMap now: tells the listener, returns its resourceVersion (null when there is none). */
  private String get(Listener listener) throws IOException, InterruptedException {
    HttpResponse<String> response = api.get("/api/v1/namespaces/" + namespace + "/configmaps/" + name);
    if (response.statusCode() == 404) {
      listener.absent();
      return null;
    }
    if (response.statusCode() != 200) {
      throw new IOException("GET " + name + ": HTTP " + response.statusCode() + " " + brief(response.body()));
    }
    JsonNode configMap = JSON.readTree(response.body());
    deliver(configMap, listener);
    return configMap.path("metadata").path("resourceVersion").asText(null);
  }

  /** Watches from {@code resourceVersion} until the server ends the watch; returns the last resourceVersion seen. */
  private String watch(Listener listener, String resourceVersion) throws IOException, InterruptedException {
    String path = "/api/v1/namespaces/" + namespace + "/configmaps?watch=true&allowWatchBookmarks=true"
        + "&timeoutSeconds=" + WATCH_SECONDS + "&fieldSelector="
        + URLEncoder.encode("metadata.name=" + name, StandardCharsets.UTF_8)
        + (resourceVersion == null ? "" : "&resourceVersion=" + resourceVersion);
    HttpResponse<InputStream> response = api.stream(path);
    AtomicLong lastLine = new AtomicLong(System.nanoTime());
    ScheduledFuture<?> silence = watchdog.scheduleAtFixedRate(() -> {
      if (System.nanoTime() - lastLine.get() > SILENCE.toNanos()) {
        closeQuietly(response.body()); // a connection that died without a word: resume
      }
    }, 10, 10, TimeUnit.SECONDS);
    try (InputStream body = response.body()) {
      stream = body;
      if (response.statusCode() == 410) {
        throw new Expired();
      }
      if (response.statusCode() != 200) {
        throw new IOException("watch " + name + ": HTTP " + response.statusCode() + " "
            + brief(new String(body.readNBytes(512), StandardCharsets.UTF_8)));
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
      String line;
      while ((line = lines.readLine()) != null) {
        lastLine.set(System.nanoTime());
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = JSON.readTree(line);
        String type = event.path("type").asText();
        JsonNode object = event.path("object");
        switch (type) {
          case "ADDED", "MODIFIED" -> deliver(object, listener);
          case "DELETED" -> listener.absent();
          case "BOOKMARK" -> { }
          case "ERROR" -> {
            if (object.path("code").asInt() == 410) {
              throw new Expired();
            }
            throw new IOException("watch " + name + ": " + brief(object.path("message").asText(object.toString())));
          }
          default -> { }
        }
        String version = object.path("metadata").path("resourceVersion").asText(null);
        if (version != null) {
          resourceVersion = version;
        }
      }
      return resourceVersion;
    } finally {
      silence.cancel(false);
      stream = null;
    }
  }

  private static void deliver(JsonNode configMap, Listener listener) {
    JsonNode document = configMap.path("data").get(NodePolicy.KEY);
    if (document == null || !document.isTextual()) {
      listener.absent();
    } else {
      listener.document(document.asText());
    }
  }

  private static String brief(String text) {
    String flat = text.replace('\n', ' ').strip();
    return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // closing is all we wanted
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The watch's resourceVersion is too old (410 Gone): start over with a GET. */
  private static final class Expired extends IOException {
    Expired() {
      super("resourceVersion expired");
    }
  }

  @Override
  public void close() {
    closed = true;
    watchdog.shutdownNow();
    InputStream open = stream;
    if (open != null) {
      closeQuietly(open);
    }
    if (thread != null) {
      thread.interrupt();
    }
  }
}
