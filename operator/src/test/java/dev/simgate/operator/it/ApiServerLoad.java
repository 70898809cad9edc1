package dev.simgate.operator.it;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Where the API server's time went, from its own metrics (all clients together): the time it spent in requests by
 * verb and resource, and the watch events it sent by resource, with their bytes and the watches open at the end. A
 * benchmark reads it twice and prints the difference, so that a slow run says which requests and watches made it slow.
 */
record ApiServerLoad(Map<String, double[]> requests, Map<String, double[]> watchEvents, Map<String, Long> watches) {

  static ApiServerLoad read(KubernetesClient admin) {
    Map<String, double[]> requests = new TreeMap<>();
    Map<String, double[]> events = new TreeMap<>();
    Map<String, Long> watches = new TreeMap<>();
    for (ApiMetric sample : ApiMetric.read(admin)) {
      String verb = sample.labels().get("verb");
      String request = verb + " " + sample.resource();
      switch (sample.name()) {
        // A watch's duration is how long it stayed open: not time spent.
        case "apiserver_request_duration_seconds_sum" -> {
          if (!"WATCH".equals(verb)) {
            add(requests, request, 0, sample.value());
          }
        }
        case "apiserver_request_duration_seconds_count" -> {
          if (!"WATCH".equals(verb)) {
            add(requests, request, 1, sample.value());
          }
        }
        case "apiserver_watch_events_total" -> add(events, sample.resource(), 0, sample.value());
        case "apiserver_watch_events_sizes_sum" -> add(events, sample.resource(), 1, sample.value());
        case "apiserver_longrunning_requests" -> {
          if ("WATCH".equals(verb)) {
            watches.merge(sample.resource(), Math.round(sample.value()), Long::sum);
          }
        }
        default -> { }
      }
    }
    return new ApiServerLoad(requests, events, watches);
  }

  private static void add(Map<String, double[]> into, String key, int index, double value) {
    into.computeIfAbsent(key, k -> new double[2])[index] += value;
  }

  /** The {@code top} requests by the API server's time and watch events by bytes, since {@code before}. */
  String since(ApiServerLoad before, int top) {
    String requestTime = minus(requests, before.requests).entrySet().stream()
        .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[0])).limit(top)
        .map(e -> String.format("%s %,d in %.1f s", e.getKey(), (long) e.getValue()[1], e.getValue()[0]))
        .collect(Collectors.joining(", "));
    String watched = minus(watchEvents, before.watchEvents).entrySet().stream()
        .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[1])).limit(top)
        .map(e -> String.format("%s %,d events %.0f MB to %d watches", e.getKey(), (long) e.getValue()[0],
            e.getValue()[1] / 1e6, watches.getOrDefault(e.getKey(), 0L)))
        .collect(Collectors.joining(", "));
    return "the API server's time in requests (all clients): " + requestTime + "; watch events sent: " + watched;
  }

  private static Map<String, double[]> minus(Map<String, double[]> after, Map<String, double[]> before) {
    Map<String, double[]> delta = new TreeMap<>();
    after.forEach((key, v) -> {
      double[] b = before.getOrDefault(key, new double[2]);
      if (v[1] - b[1] > 0 || v[0] - b[0] > 0) {
        delta.put(key, new double[] {v[0] - b[0], v[1] - b[1]});
      }
    });
    return delta;
  }
}
