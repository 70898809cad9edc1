package dev.simgate.operator.client;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Holds each write of the operator's API client to the {@link WriteRate} (the calling reconcile thread waits: the
 * back-pressure that keeps a burst of work, say thousands of DeviceSubnets at start, from flooding the API server) and
 * counts writes and waiting by resource. Reads are not limited: reconciles read from informer caches, and the only
 * other reads are list and watch of the informers themselves.
 */
public final class WriteRateInterceptor implements Interceptor {
  public static final String NAME = "simgate-write-rate";
  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
  /** Labels stay bounded: what the operator writes, else "other". */
  private static final Set<String> KINDS = Set.of("services", "endpointslices", "configmaps", "serviceaccounts",
      "daemonsets", "events", "leases", "devicesubnets/status", "gatepeers/status", "virtualprivategateways/status");

  private final WriteRate rate;
  private final Counter writes;
  private final Counter waited;

  public WriteRateInterceptor(WriteRate rate, PrometheusRegistry registry) {
    this.rate = rate;
    writes = Counter.builder().name("simgate_operator_api_writes_total")
        .help("Writes the operator sent to the API server, by resource.").labelNames("resource").register(registry);
    waited = Counter.builder().name("simgate_operator_api_write_wait_seconds_total")
        .help("Time writes waited for the client-side rate limit (--kube-api-qps, --kube-api-burst).")
        .register(registry);
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    if (!WRITES.contains(request.method())) {
      return;
    }
    long wait = rate.reserve();
    if (wait > 0) {
      waited.inc(wait / 1e9);
      long until = System.nanoTime() + wait;
      for (long left = wait; left > 0; left = until - System.nanoTime()) {
        LockSupport.parkNanos(left);
        if (Thread.interrupted()) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    writes.labelValues(resource(request.uri())).inc();
  }

  /** {@code services}, {@code gatepeers/status}: the path's resource (and subresource), from a write's URI. */
  static String resource(URI uri) {
    String[] parts = uri.getPath().split("/");
    // /api/v1/[namespaces/<ns>/]<resource>[/<name>[/<sub>]] or /apis/<group>/<version>/...
    int i = parts.length > 1 && "api".equals(parts[1]) ? 3 : 4;
    if (parts.length > i + 1 && "namespaces".equals(parts[i]) && parts.length > i + 2) {
      i += 2;
    }
    if (parts.length <= i) {
      return "other";
    }
    String resource = parts[i] + (parts.length > i + 2 ? "/" + parts[i + 2] : "");
    return KINDS.contains(resource) ? resource : "other";
  }
}
