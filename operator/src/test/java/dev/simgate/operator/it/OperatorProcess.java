package dev.simgate.operator.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The operator as it runs in its pod: {@code java -jar simgate-operator.jar} in a process of its own, with the heap the
 * chart gives it (62.5% of the 512 MiB limit, and the serial collector a JVM picks in such a container), so that its
 * memory is measured apart from the benchmark's own client.
 */
final class OperatorProcess implements AutoCloseable {
  /** How the operator's JVM runs: its options, and its environment beyond the kubeconfig. */
  record Jvm(List<String> options, Map<String, String> env) {
    /** As this checkout's chart runs it. */
    static final Jvm CHART = ofChart(Path.of("../charts/simgate/values.yaml"));

    /**
     * As a chart's Deployment runs it: operator.jvmOptions (JAVA_TOOL_OPTIONS) in a container limited to
     * operator.resources.limits.memory, which {@code -XX:MaxRAM} stands for (the heap is a percentage of it), and
     * MALLOC_ARENA_MAX=2 as the Deployment sets it.
     */
    static Jvm ofChart(Path values) {
      try {
        Map<?, ?> chart = new KubernetesSerialization().unmarshal(Files.readString(values), Map.class);
        Map<String, Object> operator = child(chart, "operator");
        List<String> options = new ArrayList<>();
        Object limit = child(child(operator, "resources"), "limits").get("memory");
        if (limit instanceof String mebibytes && mebibytes.endsWith("Mi")) {
          options.add("-XX:MaxRAM=" + mebibytes.substring(0, mebibytes.length() - 2) + "m");
        }
        Arrays.stream(String.valueOf(operator.getOrDefault("jvmOptions", "")).split(" "))
            .filter(option -> !option.isBlank()).forEach(options::add);
        return new Jvm(List.copyOf(options), Map.of("MALLOC_ARENA_MAX", "2"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the chart's values " + values, e);
      }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Object parent, String key) {
      Object child = parent instanceof Map<?, ?> map ? map.get(key) : null;
      return child instanceof Map<?, ?> ? (Map<String, Object>) child : Map.of();
    }

    @Override
    public String toString() {
      return String.join(" ", options) + (env.isEmpty() ? "" : " " + env);
    }
  }
  private static final Pattern AFTER_GC = Pattern.compile("->(\\d+)M\\(");

  private final Process process;
  private final Path gcLog;
  private final int httpPort;

  OperatorProcess(Path jar, Jvm jvm, Path kubeconfig, String namespace, Path logDir, List<String> extraArgs)
      throws IOException {
    httpPort = freePort();
    gcLog = logDir.resolve("operator-gc.log");
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java")));
    command.addAll(jvm.options());
    command.addAll(List.of("-XX:+UseSerialGC", "-Xlog:gc:file=" + gcLog));
    // e.g. -XX:NativeMemoryTracking=summary or -XX:StartFlightRecording=..., to look inside a run
    command.addAll(Arrays.stream(System.getProperty("simgate.bench.operatorJvm", "").split(" "))
        .filter(option -> !option.isBlank()).toList());
    command.addAll(List.of("-jar", jar.toString(),
        "--namespace", namespace, "--no-leader-election", "--http-port", String.valueOf(httpPort)));
    command.addAll(extraArgs);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(logDir.resolve("operator.log").toFile());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("SIMGATE_LOG_LEVEL", "WARN");
    builder.environment().putAll(jvm.env());
    process = builder.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The operator's /metrics, once it answers. */
  String metrics() throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
  }

  /** Sum of a counter's samples in /metrics. */
  long counter(String name) throws IOException, InterruptedException {
    return counter(name, "");
  }

  long counter(String name, String labels) throws IOException, InterruptedException {
    return Math.round(gauge(name, labels));
  }

  /** A counter or gauge that may be fractional, summed over its samples whose labels contain {@code labels}. */
  double gauge(String name, String labels) throws IOException, InterruptedException {
    double sum = 0;
    for (String line : metrics().split("\n")) {
      if (line.startsWith(name) && line.length() > name.length() && " {".indexOf(line.charAt(name.length())) >= 0
          && line.contains(labels)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  double gauge(String name) throws IOException, InterruptedException {
    return gauge(name, "");
  }

  /** What the heap holds, by class (jcmd GC.class_histogram), into a file. */
  void histogram(Path file) throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder(jcmd(), String.valueOf(process.pid()), "GC.class_histogram")
        .redirectErrorStream(true).redirectOutput(file.toFile()).start();
    jcmd.waitFor(1, TimeUnit.MINUTES);
  }

  private static String jcmd() {
    return Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd").toString();
  }

  /** Peak resident memory of the process (VmHWM), in MiB. */
  long peakRssMiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    throw new IOException("no VmHWM for pid " + process.pid());
  }

  /** CPU time the operator used so far (user and system), in seconds. */
  double cpuSeconds() {
    return cpuSeconds(process.toHandle());
  }

  /** CPU time {@code process} used so far (user and system), in seconds; 0 where the system does not say. */
  static double cpuSeconds(ProcessHandle process) {
    return process.info().totalCpuDuration().map(d -> d.toMillis() / 1e3).orElse(0.0);
  }

  /** The largest heap left after any collection so far: the peak of what the operator kept, in MiB. */
  long peakHeapAfterGcMiB() throws IOException {
    long peak = 0;
    if (Files.exists(gcLog)) {
      for (String line : Files.readAllLines(gcLog)) {
        Matcher m = AFTER_GC.matcher(line);
        if (m.find()) {
          peak = Math.max(peak, Long.parseLong(m.group(1)));
        }
      }
    }
    return peak;
  }

  /** Heap in use right after a full collection, in MiB (what the operator holds now). */
  long heapAfterFullGcMiB() throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder(jcmd(), String.valueOf(process.pid()), "GC.run").redirectErrorStream(true).start();
    jcmd.getInputStream().readAllBytes();
    jcmd.waitFor(1, TimeUnit.MINUTES);
    for (int attempt = 0; attempt < 50; attempt++) {
      List<String> lines = Files.readAllLines(gcLog);
      for (int i = lines.size() - 1; i >= 0; i--) {
        Matcher m = AFTER_GC.matcher(lines.get(i));
        if (lines.get(i).contains("Pause Full (Diagnostic Command)") && m.find()) {
          return Long.parseLong(m.group(1));
        }
      }
      Thread.sleep(100);
    }
    throw new IOException("no full collection by jcmd in " + gcLog);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
