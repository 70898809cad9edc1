package dev.simgate.operator.it;

import java.io.IOException;
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

/**
 * The operator as it runs in its pod: {@code java -jar simgate-operator.jar} in a process of its own, with the heap the
 * chart gives it (62.5% of the 512 MiB limit, and the serial collector a JVM picks in such a container), so that its
 * memory is measured apart from the benchmark's own client.
 */
final class OperatorProcess implements AutoCloseable {
  /** How the operator's JVM runs: its heap, and its environment beyond the kubeconfig. */
  record Jvm(String heap, Map<String, String> env) {
    /**
     * As the chart runs it: operator.resources.limits.memory (512Mi) times operator.jvmOptions' MaxRAMPercentage
     * (62.5), and MALLOC_ARENA_MAX=2 as its Deployment sets it.
     */
    static final Jvm CHART = new Jvm("-Xmx320m", Map.of("MALLOC_ARENA_MAX", "2"));

    @Override
    public String toString() {
      return heap + (env.isEmpty() ? "" : " " + env);
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
        ProcessHandle.current().info().command().orElse("java"), jvm.heap(), "-XX:+UseSerialGC",
        "-Xlog:gc:file=" + gcLog));
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
