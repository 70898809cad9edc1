package dev.simgate.operator.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.simgate.contract.agentconfig.AgentConfigParser;
import dev.simgate.operator.Fixtures;
import dev.simgate.operator.api.v1alpha1.Device;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetSpec;
import dev.simgate.operator.api.v1alpha1.GatePeer;
import dev.simgate.operator.api.v1alpha1.NodeStatus;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.render.AgentImage;
import dev.simgate.operator.render.AgentResources;
import dev.simgate.operator.render.NodeAgentResources;
import dev.simgate.operator.status.Conditions;
import dev.simgate.testkit.KubeControlPlane;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * A measurement, not a test: {@code e2e/bench/operator-scale.sh} runs it ({@code -Dit.test=ScaleBenchmark}); neither
 * surefire nor failsafe picks it up by default. For each size N nodes / M devices it starts a control plane of its own
 * (kube-apiserver, the DaemonSet controller and the scheduler at {@code --kube-api-qps=100} as a large cluster sets
 * them, kwok running the agent pods on fake nodes), runs the operator's jar in a process of its own with the chart's
 * heap, applies N gate nodes, one VPG and GatePeer and M devices in DeviceSubnets of {@code devicesPerSubnet} over ten
 * namespaces, and prints: the time until everything is Ready, the writes the API server counted (all clients, and the
 * operator's kinds), the operator's peak RSS and heap, and the time for one device added and one node removed to be in
 * force. Lines go to stdout and to {@code target/scale-benchmark.txt}.
 */
class ScaleBenchmark {
  static final String NS = "simgate-system";
  static final String VPG = "vpg";
  static final String GATE_PEER = "gp";
  static final int NAMESPACES = 10;
  static final Path RESULTS = Path.of("target/scale-benchmark.txt");
  static final List<String> CONTROLLERS = List.of("devicesubnet", "devicesubnet-access", "nodepolicy", "gatepeer",
      "nodeagent", "virtualprivategateway");

  record Size(int nodes, int devices) {
    static List<Size> parse(String text) {
      return Arrays.stream(text.split(",")).map(s -> s.trim().split("x"))
          .map(p -> new Size(Integer.parseInt(p[0]), Integer.parseInt(p[1]))).toList();
    }
  }

  @Test
  void fleet() throws Exception {
    List<Size> sizes = Size.parse(System.getProperty("simgate.bench.sizes", "100x10000,1000x100000"));
    int perSubnet = Integer.getInteger("simgate.bench.devicesPerSubnet", 400);
    int componentQps = Integer.getInteger("simgate.bench.componentQps", 100);
    List<String> operatorArgs = Arrays.stream(System.getProperty("simgate.bench.operatorArgs", "").split(" "))
        .filter(a -> !a.isBlank()).toList();
    Path jar = Path.of("target/simgate-operator.jar");
    String baselineJar = System.getProperty("simgate.bench.baselineJar", "");
    // The baseline's own CRDs (their validation is part of what each write costs the API server) and chart (how its
    // JVM runs).
    String baselineTree = System.getProperty("simgate.bench.baselineTree", "");
    Path baselineCrdsDir = baselineTree.isBlank() ? Cluster.CRDS : Path.of(baselineTree, "crds");
    OperatorProcess.Jvm baselineJvm = baselineTree.isBlank() ? OperatorProcess.Jvm.CHART
        : OperatorProcess.Jvm.ofChart(Path.of(baselineTree, "charts/simgate/values.yaml"));
    Files.deleteIfExists(RESULTS);
    report("operator " + String.join(" ", operatorArgs) + " (" + OperatorProcess.Jvm.CHART + ", SerialGC); components"
        + " at --kube-api-qps=" + componentQps + "; " + perSubnet + " devices per DeviceSubnet; load "
        + Files.readString(Path.of("/proc/loadavg")).trim());
    for (Size size : sizes) {
      Figures build = run(size, perSubnet, componentQps, jar, Cluster.CRDS, OperatorProcess.Jvm.CHART, operatorArgs,
          "this build");
      if (Boolean.parseBoolean(System.getProperty("simgate.bench.floor", "true"))) {
        report(String.format("%,d / %,d, this build / the floor in the same run: all Ready %.2f", size.nodes(),
            size.devices(), build.allReadySeconds() / floor(size, perSubnet, componentQps)));
      }
      if (!baselineJar.isBlank()) {
        // The same machine, minutes apart: the ratio holds where the absolute figures move with the machine's load.
        Figures baseline = run(size, perSubnet, componentQps, Path.of(baselineJar), baselineCrdsDir, baselineJvm,
            operatorArgs,
            "baseline " + System.getProperty("simgate.bench.baselineLabel", baselineJar) + " (" + baselineJvm + ")");
        report(String.format("%,d / %,d, this build / baseline in the same run: all Ready %.2f, peak RSS %.2f,"
                + " operator CPU %.2f", size.nodes(), size.devices(),
            build.allReadySeconds() / baseline.allReadySeconds(), (double) build.peakRssMiB() / baseline.peakRssMiB(),
            build.cpuSeconds() / baseline.cpuSeconds()));
      }
    }
    report("previous design (SimGate 0.1, a Service and an EndpointSlice per device): 200 / 5,000 in 25.1 s, 1,000 /"
        + " 20,000 in 109.8 s with 321 MiB heap (test JVM with the operator in it); 1,000 / 100,000 not measurable");
    report("load at the end " + Files.readString(Path.of("/proc/loadavg")).trim());
  }

  private record Figures(double allReadySeconds, long peakRssMiB, double cpuSeconds) {}

  private static KubeControlPlane.Options plane(String name, Size size, int componentQps) {
    return KubeControlPlane.Options.defaults().withName(name + "-" + size.nodes() + "x" + size.devices())
        .withControllers("daemonset-controller").withScheduler(true).withKwok(true).withComponentQps(componentQps);
  }

  /** The CRDs, the operator's namespace and the fleet's namespaces. */
  private static void prepare(KubernetesClient admin, Path crds) throws IOException {
    Cluster.installCrds(admin, crds);
    admin.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    for (int n = 0; n < NAMESPACES; n++) {
      admin.resource(new NamespaceBuilder().withNewMetadata().withName("fleet-" + n)
          .addToLabels(Fixtures.IOT_LABEL, "true").endMetadata().build()).create();
    }
    Cluster.await().untilAsserted(() -> admin.resources(DeviceSubnet.class).inAnyNamespace().list());
  }

  /**
   * What this machine allows any operator: the same control plane and objects without one, the agents' two DaemonSets
   * created as the operator renders them, when the operator would; the seconds until all their pods are Ready (kwok
   * readies them as it does in the run with the operator). Pods are most of the API server's work at this size.
   */
  private static double floor(Size size, int perSubnet, int componentQps) throws Exception {
    try (KubeControlPlane plane = KubeControlPlane.start(plane("floor", size, componentQps))) {
      double benchmarkCpu = ownCpu();
      KubernetesClient admin = plane.client();
      prepare(admin, Cluster.CRDS);
      ApiServerLoad loadBefore = ApiServerLoad.read(admin);
      long start = System.nanoTime();
      apply(admin, size, Math.ceilDiv(size.devices(), perSubnet), perSubnet, () -> {
        // Their ServiceAccounts first: without them the API server admits none of their pods.
        admin.resource(AgentResources.serviceAccount(GATE_PEER, NS)).create();
        admin.resource(NodeAgentResources.serviceAccount(NS, List.of())).create();
        admin.resource(AgentResources.daemonSet(GATE_PEER, NS, Fixtures.gatePeer(GATE_PEER, VPG, "10.255.0.0/16")
            .getSpec(), AgentImage.DEFAULT)).create();
        admin.resource(NodeAgentResources.daemonSet(NS, List.of(), AgentImage.DEFAULT)).create();
      });
      long applied = System.nanoTime();
      awaitUntil(Duration.ofMinutes(10), () -> admin.apps().daemonSets().inNamespace(NS).list().getItems().stream()
          .filter(ds -> ds.getStatus() != null && ds.getStatus().getNumberReady() != null
              && ds.getStatus().getNumberReady() == size.nodes()).count() == 2);
      long ready = System.nanoTime();
      report(String.format("floor (no operator: the same objects, and the agents' two DaemonSets as the operator renders"
              + " them): %,d nodes / %,d devices: all agent pods Ready %.1f s (applied in %.1f s); %s; %s",
          size.nodes(), size.devices(), seconds(start, ready), seconds(start, applied),
          ApiServerLoad.read(admin).since(loadBefore, 8), cpuByProcess(benchmarkCpu, Map.of())));
      return seconds(start, ready);
    }
  }

  private Figures run(Size size, int perSubnet, int componentQps, Path jar, Path crds, OperatorProcess.Jvm jvm,
      List<String> operatorArgs, String label) throws Exception {
    try (KubeControlPlane plane = KubeControlPlane.start(plane("scale", size, componentQps))) {
      double benchmarkCpu = ownCpu();
      KubernetesClient admin = plane.client();
      prepare(admin, crds);
      int subnets = Math.ceilDiv(size.devices(), perSubnet);
      try (OperatorProcess operator = new OperatorProcess(jar, jvm, plane.kubeconfig(), NS, plane.logDir(),
              operatorArgs);
          SharedIndexInformer<DeviceSubnet> subnetCache = admin.resources(DeviceSubnet.class).inAnyNamespace()
              .inform();
          SharedIndexInformer<GatePeer> gatePeerCache = admin.resources(GatePeer.class).inform()) {
        awaitUntil(Duration.ofMinutes(2), () -> {
          try {
            return operator.metrics().contains("simgate_operator");
          } catch (IOException | InterruptedException e) {
            return false;
          }
        });
        Map<String, Long> writesBefore = ApiWrites.count(admin);
        ApiServerLoad loadBefore = ApiServerLoad.read(admin);
        long operatorWritesBefore = operator.counter("simgate_operator_api_writes_total");
        long start = System.nanoTime();
        apply(admin, size, subnets, perSubnet, () -> { });
        long applied = System.nanoTime();
        awaitUntil(Duration.ofMinutes(20), () -> subnetCache.getStore().list().size() == subnets
            && subnetCache.getStore().list().stream().allMatch(ScaleBenchmark::ready));
        long devicesReady = System.nanoTime();
        awaitUntil(Duration.ofMinutes(20), () -> gatePeerCache.getStore().list().stream()
            .anyMatch(gp -> ready(gp) && gp.getStatus().readyNodes == size.nodes()));
        awaitUntil(Duration.ofMinutes(5), () -> {
          VirtualPrivateGateway vpg = admin.resources(VirtualPrivateGateway.class).withName(VPG).get();
          return readyVpg(vpg) && vpg.getStatus().devices == size.devices();
        });
        long allReady = System.nanoTime();
        Map<String, Long> writes = ApiWrites.between(writesBefore, ApiWrites.settled(admin));
        String load = ApiServerLoad.read(admin).since(loadBefore, 8);
        long operatorWrites = operator.counter("simgate_operator_api_writes_total") - operatorWritesBefore;
        long reconciles = operator.counter("simgate_operator_reconciliations_total");
        double waited = operator.gauge("simgate_operator_api_write_wait_seconds_total");
        String busy = busy(operator);
        String lag = readyLag(subnetCache.getStore().list());

        String agentConfig = admin.configMaps().inNamespace(NS).withName("simgate-" + GATE_PEER).get().getData()
            .get("agent.yaml");
        double parseMillis = parseMillis(agentConfig, node(size.nodes() - 1));
        double deviceAdded = addOneDevice(admin);
        double nodeRemoved = removeOneNode(admin, size.nodes());
        if (!operator.isAlive()) {
          throw new IllegalStateException("the operator died; see " + plane.logDir().resolve("operator.log"));
        }
        long rss = operator.peakRssMiB();
        double cpu = operator.cpuSeconds();
        long heapPeak = operator.peakHeapAfterGcMiB();
        long heapNow = operator.heapAfterFullGcMiB();
        if (Boolean.getBoolean("simgate.bench.histogram")) {
          operator.histogram(plane.logDir().resolve("operator-histogram.txt"));
        }
        report(String.format("%s: %,d nodes / %,d devices in %d DeviceSubnets: all Ready %.1f s (applied in %.1f s,"
                + " devices Ready %.1f s); writes counted by the API server %,d (all clients, the benchmark's own"
                + " and kwok's included), the operator's %,d (%s) in %,d reconciles, waiting %.1f s in all for the"
                + " write rate, %s; a DeviceSubnet Ready after its creation %s; operator peak RSS %d MiB, CPU %.1f s, heap"
                + " after GC peak %d MiB, %d MiB at rest; agent config %,d bytes, parsed by an agent in %.1f ms; one"
                + " device added in force %.2f s, one node removed %.2f s",
            label, size.nodes(), size.devices(), subnets, seconds(start, allReady), seconds(start, applied),
            seconds(start, devicesReady), writes.values().stream().mapToLong(Long::longValue).sum(), operatorWrites,
            onlyOperators(writes), reconciles, waited, busy, lag, rss, cpu, heapPeak, heapNow, agentConfig.getBytes(StandardCharsets.UTF_8).length,
            parseMillis, deviceAdded, nodeRemoved));
        report(label + ": " + load + "; " + cpuByProcess(benchmarkCpu, Map.of("operator", cpu)));
        return new Figures(seconds(start, allReady), rss, cpu);
      }
    }
  }

  /** CPU time of each process of the control plane and the operator since they started, and of this benchmark's. */
  private static String cpuByProcess(double benchmarkCpuBefore, Map<String, Double> others) {
    Map<String, Double> cpu = new TreeMap<>();
    List<String> components = List.of("kube-apiserver", "etcd", "kube-controller-manager", "kube-scheduler", "kwok");
    ProcessHandle.allProcesses().forEach(p -> p.info().command().map(c -> Path.of(c).getFileName().toString())
        .filter(components::contains)
        .ifPresent(name -> cpu.merge(name, OperatorProcess.cpuSeconds(p), Double::sum)));
    cpu.putAll(others);
    cpu.put("benchmark (its client and informers)", ownCpu() - benchmarkCpuBefore);
    return "CPU by process: " + cpu.entrySet().stream()
        .sorted(Map.Entry.comparingByValue(Comparator.reverseOrder()))
        .map(e -> String.format("%s %.1f s", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
  }

  private static double ownCpu() {
    return OperatorProcess.cpuSeconds(ProcessHandle.current());
  }

  /** Each controller's reconciles and the time spent in them (threads are shared: this is where they went). */
  private static String busy(OperatorProcess operator) throws IOException, InterruptedException {
    List<String> parts = new ArrayList<>();
    for (String controller : CONTROLLERS) {
      String label = "controller=\"" + controller + "\"";
      parts.add(String.format("%s %,d in %.1f s", controller,
          operator.counter("simgate_operator_reconciliations_total", label),
          operator.gauge("simgate_operator_reconcile_duration_seconds_sum", label)));
    }
    return "reconciles " + String.join(", ", parts);
  }

  /** Nodes, VPG, GatePeer, then the DeviceSubnets; several writers at once, as kubectl apply of a directory would. */
  private static void apply(KubernetesClient admin, Size size, int subnets, int perSubnet, Runnable afterGatePeer)
      throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < size.nodes(); i++) {
        int n = i;
        done.add(pool.submit(() -> admin.resource(Fixtures.node(node(n),
            "192.0.%d.%d".formatted(2 + n / 250, 1 + n % 250), true)).create()));
      }
      admin.resource(Fixtures.vpg(VPG)).create();
      admin.resource(Fixtures.gatePeer(GATE_PEER, VPG, "10.255.0.0/16")).create();
      afterGatePeer.run();
      for (int s = 0; s < subnets; s++) {
        int subnet = s;
        done.add(pool.submit(() -> admin.resource(subnet(subnet, Math.min(perSubnet,
            size.devices() - subnet * perSubnet))).create()));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
  }

  static String node(int n) {
    return String.format("node-%04d", n);
  }

  /** DeviceSubnet {@code s}: CIDR 10.128.0.0/23 + s, devices from .1 up. */
  static DeviceSubnet subnet(int s, int devices) {
    int base = (10 << 24) | (128 << 16) | (s << 9);
    List<Device> list = new ArrayList<>();
    for (int d = 0; d < devices; d++) {
      list.add(new Device("dev-%d-%d".formatted(s, d), ip(base + 1 + d)));
    }
    return new DeviceSubnet("fleet-" + (s % NAMESPACES), "line-" + s,
        new DeviceSubnetSpec(VPG, List.of(ip(base) + "/23"), list));
  }

  static String ip(int v) {
    return (v >>> 24) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
  }

  /** Seconds from each DeviceSubnet's creation to its Ready condition (whole seconds, as the API stores them). */
  private static String readyLag(List<DeviceSubnet> subnets) {
    long[] lags = subnets.stream().mapToLong(ds -> java.time.Duration.between(
        java.time.Instant.parse(ds.getMetadata().getCreationTimestamp()),
        java.time.Instant.parse(Conditions.find(ds.getStatus().conditions, Conditions.READY).getLastTransitionTime()))
        .toSeconds()).sorted().toArray();
    return String.format("p50 %d s, p90 %d s, max %d s", lags[lags.length / 2], lags[lags.length * 9 / 10],
        lags[lags.length - 1]);
  }

  /** What one agent spends reading the config when it changed: the contract's parser, median of 21 warm runs. */
  private static double parseMillis(String yaml, String node) throws Exception {
    double[] runs = new double[21];
    for (int i = 0; i < 50; i++) {
      AgentConfigParser.parse(yaml, node);
    }
    for (int i = 0; i < runs.length; i++) {
      long start = System.nanoTime();
      AgentConfigParser.parse(yaml, node);
      runs[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(runs);
    return runs[runs.length / 2];
  }

  /** Seconds until a new device of line-1 resolves through its DeviceSubnet's slices and the status counts it. */
  private static double addOneDevice(KubernetesClient admin) throws Exception {
    DeviceSubnet before = admin.resources(DeviceSubnet.class).inNamespace("fleet-1").withName("line-1").get();
    int count = before.getSpec().devices.size();
    String address = ip(((10 << 24) | (128 << 16) | (1 << 9)) + 1 + count);
    long start = System.nanoTime();
    admin.resources(DeviceSubnet.class).inNamespace("fleet-1").withName("line-1").patch(
        PatchContext.of(PatchType.JSON), "[{\"op\":\"add\",\"path\":\"/spec/devices/-\",\"value\":{\"name\":\"added\","
            + "\"address\":\"" + address + "\"}}]");
    awaitUntil(Duration.ofMinutes(5), () -> address.equals(DeviceNames.resolvable(admin, "fleet-1", "line-1").get("added"))
        && admin.resources(DeviceSubnet.class).inNamespace("fleet-1").withName("line-1").get().getStatus().devices
            == count + 1);
    return seconds(start, System.nanoTime());
  }

  /** Seconds until a deleted gate node is out of the agent config and of the GatePeer's status. */
  private static double removeOneNode(KubernetesClient admin, int nodes) throws Exception {
    String node = node(nodes / 2);
    long start = System.nanoTime();
    admin.nodes().withName(node).delete();
    awaitUntil(Duration.ofMinutes(5), () -> {
      ConfigMap config = admin.configMaps().inNamespace(NS).withName("simgate-" + GATE_PEER).get();
      GatePeer gp = admin.resources(GatePeer.class).withName(GATE_PEER).get();
      return !config.getData().get("agent.yaml").contains(node + ":")
          && gp.getStatus().nodes.stream().map(NodeStatus::name).noneMatch(node::equals)
          && gp.getStatus().readyNodes == nodes - 1;
    });
    return seconds(start, System.nanoTime());
  }

  /** The API server's counts of what only the operator writes (other components write events and ConfigMaps too). */
  private static Map<String, Long> onlyOperators(Map<String, Long> writes) {
    Map<String, Long> kinds = new TreeMap<>(writes);
    kinds.keySet().retainAll(Set.of("services", "endpointslices", "devicesubnets/status", "gatepeers/status",
        "virtualprivategateways/status", "daemonsets"));
    return kinds;
  }

  private static boolean ready(DeviceSubnet ds) {
    return ds.getStatus() != null && Conditions.isTrue(ds.getStatus().conditions, Conditions.READY)
        && ds.getMetadata().getGeneration().equals(ds.getStatus().observedGeneration);
  }

  private static boolean ready(GatePeer gp) {
    return gp.getStatus() != null && Conditions.isTrue(gp.getStatus().conditions, Conditions.READY);
  }

  static boolean readyVpg(VirtualPrivateGateway vpg) {
    return vpg.getStatus() != null && Conditions.isTrue(vpg.getStatus().conditions, Conditions.READY);
  }

  private static void awaitUntil(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // not there yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not reached within " + timeout);
      }
      Thread.sleep(50);
    }
  }

  private static double seconds(long from, long to) {
    return (to - from) / 1e9;
  }

  private static void report(String line) throws IOException {
    System.out.println("BENCH " + line);
    Files.writeString(RESULTS, line + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }
}
