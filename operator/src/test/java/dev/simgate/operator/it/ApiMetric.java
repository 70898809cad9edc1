package dev.simgate.operator.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.client.KubernetesClient;

/** One sample of the API server's own metrics ({@code /metrics}): what tests and benchmarks count from. */
record ApiMetric(String name, Map<String, String> labels, double value) {
  private static final Pattern SAMPLE = Pattern.compile("^(\\w+)\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  /** Every labelled sample the API server reports now. */
  static List<ApiMetric> read(KubernetesClient admin) {
    String text = admin.raw(admin.getMasterUrl().toString().replaceAll("/$", "") + "/metrics");
    List<ApiMetric> samples = new ArrayList<>();
    Matcher m = SAMPLE.matcher(text);
    while (m.find()) {
      Map<String, String> labels = new TreeMap<>();
      Matcher l = LABEL.matcher(m.group(2));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      samples.add(new ApiMetric(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return samples;
  }

  /** The sample's resource, with its subresource as {@code devicesubnets/status}. */
  String resource() {
    String subresource = labels.getOrDefault("subresource", "");
    return labels.getOrDefault("resource", labels.getOrDefault("kind", "?"))
        + (subresource.isEmpty() ? "" : "/" + subresource);
  }
}
