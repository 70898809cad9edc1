package dev.simgate.testkit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kubernetes control plane on loopback: etcd and kube-apiserver, plus kube-controller-manager, kube-scheduler
 * and the kwok controller when asked. Ports are chosen free, state lives in a fresh temporary directory (removed on
 * close), process logs in {@link #logDir()} (kept). Use it through {@link WithKubeControlPlane} in JUnit 5 tests, or
 * {@link #start(Options)} / {@link #main(String[])} by hand.
 */
public final class KubeControlPlane implements AutoCloseable {

  /** kwok manages (marks Ready, runs pods on) Nodes annotated {@code kwok.x-k8s.io/node: fake}. */
  public static final String KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node";

  public static final String KWOK_NODE_ANNOTATION_VALUE = "fake";

  private static final Logger LOG = LoggerFactory.getLogger(KubeControlPlane.class);
  private static final int START_ATTEMPTS = 3;
  private static final Set<KubeControlPlane> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> OPEN.forEach(KubeControlPlane::close), "kube-control-plane-shutdown"));
  }

  private final Options options;
  private final KubeBinaries binaries;
  private final Path logDir;
  private final List<ManagedProcess> processes = new CopyOnWriteArrayList<>();
  private final List<KubernetesClient> clients = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private Path workDir;
  private Path caFile;
  private Credentials credentials;
  private String serverUrl;
  private String adminKubeconfig;
  private Path kubeconfig;
  private KubernetesClient client;
  private Duration startupDuration;

  private KubeControlPlane(Options options, KubeBinaries binaries, Path logDir) {
    this.options = options;
    this.binaries = binaries;
    this.logDir = logDir;
  }

  /**
   * Starts a control plane and waits until every component is healthy.
   *
   * @throws IllegalStateException when a binary is missing (the message says how to build them)
   * @throws ControlPlaneStartException when a component does not become ready (the message has its log tail)
   */
  public static KubeControlPlane start(Options options) {
    KubeBinaries binaries = new KubeBinaries(options.binDir());
    requireBinaries(binaries, options);
    Path logDir = createLogDir(options.name());
    for (int attempt = 1; ; attempt++) {
      KubeControlPlane plane = new KubeControlPlane(options, binaries, logDir);
      OPEN.add(plane);
      try {
        plane.boot();
        return plane;
      } catch (ControlPlaneStartException e) {
        String tails = plane.logTails(40);
        plane.close();
        if (e.portClash() && attempt < START_ATTEMPTS) {
          LOG.atWarn().addKeyValue("attempt", attempt).log("port taken by another process, retrying with new ports");
          continue;
        }
        throw e.withLogTails("Logs: " + logDir + "\n" + tails);
      } catch (IOException | RuntimeException e) {
        String tails = plane.logTails(40);
        plane.close();
        throw new ControlPlaneStartException(
            "control plane start failed: " + e + "\nLogs: " + logDir + "\n" + tails, null, e);
      }
    }
  }

  private void boot() throws IOException {
    long started = System.nanoTime();
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    StaleRuns.reap(tmp);
    workDir = StaleRuns.createWorkDir(tmp);
    credentials = Credentials.create(workDir, nodeUsers(options));
    ComponentCommands commands = new ComponentCommands(binaries, options, credentials, workDir);
    Duration timeout = options.startupTimeout();

    int etcdPort = freePort();
    int etcdPeerPort = freePort();
    ManagedProcess etcd = launch("etcd", commands.etcd(etcdPort, etcdPeerPort));
    Readiness.await(
        "etcd",
        URI.create("http://127.0.0.1:" + etcdPort + "/health"),
        body -> body.contains("\"health\":\"true\""),
        timeout,
        List.of(etcd));

    int apiPort = freePort();
    Path certDir = workDir.resolve("apiserver-certs");
    ManagedProcess apiserver = launch("kube-apiserver", commands.apiserver(etcdPort, apiPort, certDir));
    Readiness.await(
        "kube-apiserver",
        URI.create("https://" + apiServerAddress(options) + ":" + apiPort + "/readyz"),
        "ok"::equals,
        timeout,
        List.of(etcd, apiserver));

    serverUrl = "https://" + apiServerAddress(options) + ":" + apiPort;
    caFile = certDir.resolve("apiserver.crt");
    String ca = Files.readString(caFile);
    adminKubeconfig = credentials.kubeconfig(serverUrl, ca, Credentials.ADMIN);
    kubeconfig = workDir.resolve("kubeconfig");
    Credentials.writePrivate(kubeconfig, adminKubeconfig);
    client = newClient(Config.fromKubeconfig(adminKubeconfig));

    if (!options.controllers().isEmpty()) {
      int port = freePort();
      Path config = componentKubeconfig(Credentials.CONTROLLER_MANAGER, ca);
      ManagedProcess kcm = launch("kube-controller-manager", commands.controllerManager(config, caFile, port));
      awaitHealthz("kube-controller-manager", "https://127.0.0.1:" + port, kcm);
    }
    if (options.scheduler()) {
      int port = freePort();
      Path config = componentKubeconfig(Credentials.SCHEDULER, ca);
      ManagedProcess scheduler = launch("kube-scheduler", commands.scheduler(config, port));
      awaitHealthz("kube-scheduler", "https://127.0.0.1:" + port, scheduler);
    }
    if (options.kwok()) {
      int port = freePort();
      Path config = componentKubeconfig(Credentials.KWOK, ca);
      ManagedProcess kwok = launch("kwok", commands.kwok(config, port));
      awaitHealthz("kwok", "http://127.0.0.1:" + port, kwok);
    }
    // a component that lost its port to another process may die just after that process answered its probe
    for (ManagedProcess process : processes) {
      if (!process.isAlive()) {
        throw new ControlPlaneStartException(process.exitDescription() + " during startup", process);
      }
    }
    startupDuration = Duration.ofNanos(System.nanoTime() - started);
    LOG.atInfo()
        .addKeyValue("name", options.name())
        .addKeyValue("server", serverUrl)
        .addKeyValue("components", processes.stream().map(ManagedProcess::name).toList())
        .addKeyValue("startupMillis", startupDuration.toMillis())
        .addKeyValue("logDir", logDir)
        .log("Kubernetes control plane ready");
  }

  private ManagedProcess launch(String name, List<String> command) throws IOException {
    ManagedProcess process = ManagedProcess.start(name, command, logDir);
    processes.add(process);
    return process;
  }

  private void awaitHealthz(String name, String base, ManagedProcess process) {
    Readiness.await(
        name, URI.create(base + "/healthz"), "ok"::equals, options.startupTimeout(), List.of(process));
  }

  private Path componentKubeconfig(String user, String ca) throws IOException {
    Path file = workDir.resolve(user.replace(':', '-') + ".kubeconfig");
    Credentials.writePrivate(file, credentials.kubeconfig(serverUrl, ca, user));
    return file;
  }

  /** A kubeconfig file (removed on close) for a user of {@link NodeAccess}: a kubelet or kube-proxy. */
  Path kubeconfigFor(String user) throws IOException {
    return componentKubeconfig(user, Files.readString(caFile));
  }

  /** The PEM bundle that signs the apiserver's serving certificate. */
  Path caFile() {
    return caFile;
  }

  static String apiServerAddress(Options options) {
    return options.nodes() == null ? "127.0.0.1" : options.nodes().address();
  }

  private static Map<String, String> nodeUsers(Options options) {
    Map<String, String> users = new LinkedHashMap<>();
    if (options.nodes() != null) {
      options.nodes().nodeNames().forEach(n -> users.put(Credentials.nodeUser(n), Credentials.NODES_GROUP));
      users.put(Credentials.KUBE_PROXY, "");
    }
    return users;
  }

  private KubernetesClient newClient(Config config) {
    KubernetesClient created = new KubernetesClientBuilder().withConfig(config).build();
    clients.add(created);
    return created;
  }

  /** A cluster-admin client (the user is in {@code system:masters}). */
  public KubernetesClient client() {
    return client;
  }

  /**
   * A client that impersonates {@code user} (and {@code groups}), e.g. {@code
   * clientAs("system:serviceaccount:simgate-system:simgate-operator")}: requests are authorized as that user by RBAC.
   * For a service account user without explicit groups, kube-apiserver adds the service account groups. Closed with the
   * control plane.
   */
  public KubernetesClient clientAs(String user, String... groups) {
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("clientAs: user must not be blank");
    }
    Config config = Config.fromKubeconfig(adminKubeconfig);
    config.setImpersonateUsername(user);
    config.setImpersonateGroups(groups);
    return newClient(config);
  }

  /** The admin kubeconfig file (for kubectl, helm); removed on close. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  public Path binDir() {
    return binaries.dir();
  }

  public Path kubectl() {
    return binaries.kubectl();
  }

  public Path helm() {
    return binaries.helm();
  }

  public String serverUrl() {
    return serverUrl;
  }

  /** The directory with one log file per process; kept after close. */
  public Path logDir() {
    return logDir;
  }

  /** How long {@link #start(Options)} took until every component was healthy. */
  public Duration startupDuration() {
    return startupDuration;
  }

  /** The last {@code lines} lines of every process log, each under a header naming the full log file. */
  public String logTails(int lines) {
    return ManagedProcess.tails(processes, lines);
  }

  /** Stops every process (in reverse start order), closes the clients and removes the temporary directory. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    clients.forEach(KubernetesClient::close);
    processes.reversed().forEach(ManagedProcess::close);
    if (workDir != null) {
      StaleRuns.deleteRecursively(workDir);
    }
    OPEN.remove(this);
  }

  private static void requireBinaries(KubeBinaries binaries, Options options) {
    binaries.etcd();
    binaries.kubeApiserver();
    binaries.kubectl();
    if (!options.controllers().isEmpty()) {
      binaries.kubeControllerManager();
    }
    if (options.scheduler()) {
      binaries.kubeScheduler();
    }
    if (options.kwok()) {
      binaries.kwok();
      binaries.kwokStages();
    }
  }

  private static Path createLogDir(String name) {
    String configured = System.getProperty("simgate.kube.logs");
    Path target = Path.of(System.getProperty("user.dir"), "target");
    Path root =
        configured != null
            ? Path.of(configured)
            : Files.isDirectory(target)
                ? target.resolve("kube-control-plane")
                : Path.of(System.getProperty("java.io.tmpdir"), "simgate-kube-logs");
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    try {
      Files.createDirectories(root);
      return Files.createTempDirectory(root, name + "-" + stamp + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the log directory under " + root, e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Starts a control plane by hand and keeps it running until Ctrl-C. Arguments: {@code --controllers=a,b}, {@code
   * --scheduler}, {@code --kwok}.
   */
  public static void main(String[] args) throws InterruptedException {
    Options options = Options.defaults().withName("manual");
    for (String arg : args) {
      if (arg.startsWith("--controllers=")) {
        options = options.withControllers(arg.substring("--controllers=".length()).split(","));
      } else if (arg.equals("--scheduler")) {
        options = options.withScheduler(true);
      } else if (arg.equals("--kwok")) {
        options = options.withKwok(true);
      } else {
        throw new IllegalArgumentException(
            "unknown argument " + arg + " (expected --controllers=a,b --scheduler --kwok)");
      }
    }
    try (KubeControlPlane plane = start(options)) {
      System.out.printf(
          "Kubernetes %s control plane at %s (started in %d ms)%nexport KUBECONFIG=%s%nlogs: %s%nCtrl-C stops it.%n",
          KubeBinaries.KUBERNETES_VERSION,
          plane.serverUrl(),
          plane.startupDuration().toMillis(),
          plane.kubeconfig(),
          plane.logDir());
      Thread.currentThread().join();
    }
  }

  /**
   * How real nodes reach the control plane: kube-apiserver binds and advertises {@code address} (an address of this
   * host on the node network, so pods reach it through the {@code kubernetes} Service), authorizes kubelets with the
   * Node authorizer, and issues a token to each node's kubelet ({@code system:node:<name>}) and kube-proxy.
   */
  public record NodeAccess(String address, List<String> nodeNames) {
    public NodeAccess {
      nodeNames = List.copyOf(nodeNames);
    }
  }

  /**
   * What to start. {@code controllers} are kube-controller-manager controller names (empty: no controller manager),
   * e.g. {@code garbage-collector-controller}, {@code daemonset-controller}. {@code nodes}: see {@link NodeAccess}.
   * {@code componentQps}: the API request rate of kube-controller-manager and kube-scheduler ({@code --kube-api-qps},
   * burst twice that), as large clusters raise it; 0 keeps their defaults (20 and 50 requests per second).
   */
  public record Options(
      String name,
      List<String> controllers,
      boolean scheduler,
      boolean kwok,
      Path binDir,
      Duration startupTimeout,
      NodeAccess nodes,
      int componentQps) {

    public Options {
      if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("name must match [A-Za-z0-9._-]+, was: " + name);
      }
      controllers = List.copyOf(controllers);
      for (String controller : controllers) {
        if (controller.isBlank() || controller.contains(",")) {
          throw new IllegalArgumentException("invalid controller name: '" + controller + "'");
        }
      }
      if (binDir == null) {
        throw new IllegalArgumentException("binDir must be set");
      }
      if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
        throw new IllegalArgumentException("startupTimeout must be positive, was: " + startupTimeout);
      }
      if (componentQps < 0) {
        throw new IllegalArgumentException("componentQps must not be negative, was: " + componentQps);
      }
    }

    /**
     * apiserver and etcd only, binaries from {@link KubeBinaries#locate()}, a generous startup timeout for busy
     * machines (system property {@code simgate.kube.startupTimeoutSeconds}, default 240).
     */
    public static Options defaults() {
      long seconds = Long.getLong("simgate.kube.startupTimeoutSeconds", 240);
      return new Options(
          "control-plane", List.of(), false, false, KubeBinaries.locate().dir(), Duration.ofSeconds(seconds), null, 0);
    }

    public Options withName(String value) {
      return new Options(value, controllers, scheduler, kwok, binDir, startupTimeout, nodes, componentQps);
    }

    public Options withControllers(String... value) {
      return new Options(name, List.of(value), scheduler, kwok, binDir, startupTimeout, nodes, componentQps);
    }

    public Options withScheduler(boolean value) {
      return new Options(name, controllers, value, kwok, binDir, startupTimeout, nodes, componentQps);
    }

    public Options withKwok(boolean value) {
      return new Options(name, controllers, scheduler, value, binDir, startupTimeout, nodes, componentQps);
    }

    public Options withBinDir(Path value) {
      return new Options(name, controllers, scheduler, kwok, value, startupTimeout, nodes, componentQps);
    }

    public Options withStartupTimeout(Duration value) {
      return new Options(name, controllers, scheduler, kwok, binDir, value, nodes, componentQps);
    }

    /** Serves real nodes (see {@link NodeAccess}); {@code null}: a loopback-only control plane. */
    public Options withNodes(NodeAccess value) {
      return new Options(name, controllers, scheduler, kwok, binDir, startupTimeout, value, componentQps);
    }

    /** The request rate of kube-controller-manager and kube-scheduler (see {@link Options}). */
    public Options withComponentQps(int value) {
      return new Options(name, controllers, scheduler, kwok, binDir, startupTimeout, nodes, value);
    }
  }
}
