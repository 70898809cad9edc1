package dev.simgate.operator.it;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Writes the API server counted, from its own metrics ({@code apiserver_request_total}), by resource (with
 * subresource, as {@code devicesubnets/status}): independent of the client that wrote, so a test that takes the
 * difference around a change sees every create, update, patch, apply and delete that reached the API server.
 */
final class ApiWrites {
  private static final Set<String> WRITE_VERBS = Set.of("POST", "PUT", "PATCH", "APPLY", "DELETE", "DELETECOLLECTION");

  /** What the operator may write; other components (kwok, the controllers) write nodes, pods, leases and statuses. */
  static final Set<String> OPERATOR_KINDS = Set.of("services", "endpointslices", "configmaps", "serviceaccounts",
      "daemonsets", "devicesubnets/status", "gatepeers/status", "virtualprivategateways/status", "events");

  private ApiWrites() {}

  /**
   * The counts once the writes of {@link #OPERATOR_KINDS} have stopped: equal over two reads two seconds apart. Any
   * write a change still causes (a reconcile that rewrites what it just wrote, for one) shows in the counts.
   */
  static Map<String, Long> settled(KubernetesClient admin) throws InterruptedException {
    Map<String, Long> last = operatorKinds(count(admin));
    for (int i = 0; i < 30; i++) {
      Thread.sleep(2000);
      Map<String, Long> now = operatorKinds(count(admin));
      if (now.equals(last)) {
        return count(admin);
      }
      last = now;
    }
    throw new AssertionError("the operator's writes did not settle within a minute: " + last);
  }

  private static Map<String, Long> operatorKinds(Map<String, Long> counts) {
    Map<String, Long> kinds = new TreeMap<>(counts);
    kinds.keySet().retainAll(OPERATOR_KINDS);
    return kinds;
  }

  /** Writes so far, by resource[/subresource]. */
  static Map<String, Long> count(KubernetesClient admin) {
    Map<String, Long> writes = new TreeMap<>();
    for (ApiMetric sample : ApiMetric.read(admin)) {
      if (sample.name().equals("apiserver_request_total") && WRITE_VERBS.contains(sample.labels().get("verb"))
          && sample.labels().getOrDefault("dry_run", "").isEmpty()) {
        writes.merge(sample.resource(), (long) sample.value(), Long::sum);
      }
    }
    return writes;
  }

  /** What was written between two counts; resources without writes left out. */
  static Map<String, Long> between(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> delta = new TreeMap<>();
    after.forEach((resource, n) -> {
      long d = n - before.getOrDefault(resource, 0L);
      if (d != 0) {
        delta.put(resource, d);
      }
    });
    return delta;
  }
}
