package dev.simgate.testkit;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kubernetes cluster on this machine: the {@link KubeControlPlane} (with the controllers and scheduler a cluster
 * needs) and N real nodes, each a kubelet + kube-proxy + containerd/runc in its own network namespace on a shared
 * underlay (see {@link ClusterLayout}), with CoreDNS running as a pod. Nothing is pulled: the toolchain's images (pause,
 * CoreDNS) are imported into each node, and {@link #importImages} adds more.
 *
 * <p>Real nodes change machine-wide state (kernel settings, cgroups, /var/log/containers), so one cluster runs at a
 * time (a machine-wide lock), and everything is removed on {@link #close()}, by a shutdown hook, or — after a JVM
 * killed with SIGKILL — by the next cluster started on the machine. Needs root.
 */
public final class KubeCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubeCluster.class);
  private static final String DIR_PREFIX = "simgate-cluster-";
  private static final Duration LOCK_TIMEOUT = Duration.ofMinutes(45);

  /** What a cluster runs in kube-controller-manager: what pods, Services and node health need. */
  static final List<String> CONTROLLERS = List.of(
      "serviceaccount-controller", "namespace-controller", "garbage-collector-controller",
      "deployment-controller", "replicaset-controller", "daemonset-controller", "statefulset-controller",
      "endpointslice-controller", "root-ca-certificate-publisher-controller", "node-lifecycle-controller",
      "taint-eviction-controller", "pod-garbage-collector-controller", "clusterrole-aggregation-controller",
      "service-cidr-controller");

  private final Options options;
  private final KubeBinaries binaries;
  private final FileLock lock;
  private final ClusterLayout layout;
  private final List<KubeNode> nodes = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook = new Thread(this::close, "kube-cluster-shutdown");
  private KubeControlPlane plane;

  /** How many nodes (named node-1 ...), the name of the run (for log directories), how long to wait for startup. */
  public record Options(String name, int nodes, Path binDir, Duration startupTimeout) {
    public Options {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(binDir, "binDir");
    }

    public static Options defaults() {
      KubeControlPlane.Options plane = KubeControlPlane.Options.defaults();
      return new Options("cluster", 1, plane.binDir(), plane.startupTimeout());
    }

    public Options withName(String value) {
      return new Options(value, nodes, binDir, startupTimeout);
    }

    public Options withNodes(int value) {
      return new Options(name, value, binDir, startupTimeout);
    }
  }

  private KubeCluster(Options options, KubeBinaries binaries, FileLock lock, ClusterLayout layout) {
    this.options = options;
    this.binaries = binaries;
    this.lock = lock;
    this.layout = layout;
  }

  /**
   * Starts the control plane and the nodes, and waits until every Node is Ready and cluster DNS answers.
   *
   * @throws IllegalStateException when a binary is missing or not run as root (the message says what to do)
   * @throws ControlPlaneStartException when something does not start (with the log tails)
   */
  public static KubeCluster start(Options options) {
    KubeBinaries binaries = new KubeBinaries(options.binDir());
    requireNodeBinaries(binaries);
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException("real Kubernetes nodes need root (network namespaces, cgroups, mounts); "
          + "run the tests as root, as CI does");
    }
    KubeCluster cluster = null;
    try {
      FileLock lock = HostState.lockMachine(LOCK_TIMEOUT);
      Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
      reapStale(tmp);
      String id = "k" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 5);
      ClusterLayout layout = new ClusterLayout(id, StaleRuns.createWorkDir(tmp, DIR_PREFIX), options.nodes());
      cluster = new KubeCluster(options, binaries, lock, layout);
      Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
      cluster.boot();
      return cluster;
    } catch (IOException | RuntimeException e) {
      String tails = cluster == null ? "" : cluster.logTails(40);
      if (cluster != null) {
        cluster.close();
      }
      if (e instanceof ControlPlaneStartException start) {
        throw start.withLogTails(tails);
      }
      throw new ControlPlaneStartException("cluster start failed: " + e + "\n" + tails, null, e);
    }
  }

  private void boot() throws IOException {
    long started = System.nanoTime();
    layout.save();
    markIfAbsent(Path.of("/var/log/containers"), ClusterTeardown.CREATED_LOG_LINKS);
    markIfAbsent(ClusterTeardown.SHIM_SOCKETS, ClusterTeardown.CREATED_SHIM_SOCKETS);
    HostState.saveSysctls(layout.sysctlsFile());
    ClusterNetwork.create(layout);
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= layout.nodeCount(); i++) {
      names.add(layout.nodeName(i));
      nodes.add(new KubeNode(layout, i, binaries));
    }
    plane = KubeControlPlane.start(KubeControlPlane.Options.defaults()
        .withName(options.name())
        .withBinDir(options.binDir())
        .withStartupTimeout(options.startupTimeout())
        .withControllers(CONTROLLERS.toArray(String[]::new))
        .withScheduler(true)
        .withNodes(new KubeControlPlane.NodeAccess(ClusterLayout.HOST_ADDRESS, names)));
    List<Path> nodeImages = List.of(binaries.require("images/pause.tar"), binaries.require("images/coredns.tar"),
        binaries.require("images/toolbox.tar"));
    for (KubeNode node : nodes) {
      HostState.createCgroup(layout.cgroupRoot(nodes.indexOf(node) + 1));
      node.startRuntime(plane.logDir(), options.startupTimeout());
      node.importImages(nodeImages);
    }
    for (KubeNode node : nodes) {
      node.startKubelet(plane, plane.logDir(), options.startupTimeout());
    }
    awaitNodesReady();
    startDns();
    LOG.atInfo()
        .addKeyValue("nodes", names)
        .addKeyValue("server", plane.serverUrl())
        .addKeyValue("startupMillis", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
        .addKeyValue("logDir", plane.logDir())
        .log("Kubernetes cluster ready");
  }

  private void markIfAbsent(Path path, String marker) throws IOException {
    if (!Files.exists(path)) {
      Files.writeString(layout.dir().resolve(marker), path.toString());
    }
  }

  private void awaitNodesReady() {
    long deadline = System.nanoTime() + options.startupTimeout().toNanos();
    while (true) {
      List<String> notReady = nodes.stream().map(KubeNode::name).filter(n -> !isReady(n)).toList();
      if (notReady.isEmpty()) {
        return;
      }
      for (KubeNode node : nodes) {
        for (ManagedProcess process : node.processes()) {
          if (!process.isAlive()) {
            throw new ControlPlaneStartException(process.exitDescription() + " while waiting for nodes", process);
          }
        }
      }
      if (System.nanoTime() > deadline) {
        throw new ControlPlaneStartException("nodes not Ready after " + options.startupTimeout().toSeconds()
            + " s: " + notReady, null);
      }
      ClusterTeardown.sleep(500);
    }
  }

  private boolean isReady(String node) {
    Node found = plane.client().nodes().withName(node).get();
    return found != null && found.getStatus() != null && found.getStatus().getConditions() != null
        && found.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** CoreDNS as the kube-dns add-on: applied, then awaited until its pod is ready. */
  private void startDns() throws IOException {
    String manifest;
    try (InputStream in = KubeCluster.class.getResourceAsStream("coredns.yaml")) {
      manifest = new String(Objects.requireNonNull(in, "coredns.yaml").readAllBytes(), StandardCharsets.UTF_8);
    }
    manifest = manifest
        .replace("COREDNS_IMAGE", ImageArchives.repoTag(binaries.require("images/coredns.tar")))
        .replace("CLUSTER_DOMAIN", ClusterLayout.CLUSTER_DOMAIN)
        .replace("DNS_SERVICE_ADDRESS", ClusterLayout.DNS_SERVICE_ADDRESS);
    KubernetesClient client = plane.client();
    client.load(new ByteArrayInputStream(manifest.getBytes(StandardCharsets.UTF_8))).serverSideApply();
    client.apps().deployments().inNamespace("kube-system").withName("coredns")
        .waitUntilCondition(d -> d != null && d.getStatus() != null
                && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas()),
            options.startupTimeout().toSeconds(), TimeUnit.SECONDS);
  }

  /** Imports image archives (docker-archive tarballs) into every node's containerd. */
  public void importImages(Path... archives) {
    for (KubeNode node : nodes) {
      node.importImages(List.of(archives));
    }
  }

  /**
   * The image of a small toolbox for test pods, present on every node: Debian's static busybox (sh, ping, nslookup,
   * nc, wget, sha256sum ...), entrypoint-less with {@code sh} as its command. Use it with imagePullPolicy Never.
   */
  public String toolboxImage() {
    return ImageArchives.repoTag(binaries.require("images/toolbox.tar"));
  }

  public KubeControlPlane controlPlane() {
    return plane;
  }

  /** A cluster-admin client. */
  public KubernetesClient client() {
    return plane.client();
  }

  public List<KubeNode> nodes() {
    return List.copyOf(nodes);
  }

  public KubeNode node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name + " in " + nodes.stream().map(KubeNode::name).toList()));
  }

  /** The network namespace holding the nodes' underlay bridge ({@link #underlayBridge()}), for more hosts to join. */
  public String underlayNetns() {
    return layout.underlayNetns();
  }

  public String underlayBridge() {
    return ClusterLayout.UNDERLAY_BRIDGE;
  }

  /** This host's address on the underlay (kube-apiserver's). */
  public String hostAddress() {
    return ClusterLayout.HOST_ADDRESS;
  }

  public String clusterDomain() {
    return ClusterLayout.CLUSTER_DOMAIN;
  }

  /** The last {@code lines} lines of every process log: control plane and nodes. */
  public String logTails(int lines) {
    List<ManagedProcess> processes = new ArrayList<>();
    nodes.forEach(n -> processes.addAll(n.processes()));
    return (plane == null ? "" : plane.logTails(lines)) + ManagedProcess.tails(processes, lines);
  }

  /** Stops the nodes and their pods, removes everything they put on the machine, then stops the control plane. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    nodes.forEach(KubeNode::stopKubelet);
    ClusterTeardown.run(layout);
    nodes.forEach(KubeNode::stopRuntime);
    if (plane != null) {
      plane.close();
    }
    StaleRuns.deleteRecursively(layout.dir());
    try {
      lock.channel().close();
    } catch (IOException e) {
      LOG.atWarn().log("cannot release the cluster lock: " + e.getMessage());
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // this is the hook
    }
  }

  /**
   * Starts a cluster by hand and keeps it until SIGTERM or Ctrl-C, then removes everything. Arguments: {@code
   * --nodes=N} (default 1), {@code --import=a.tar,b.tar} (image archives for every node), {@code --env-file=FILE}
   * (written once the cluster is ready, as shell assignments: KUBECONFIG, NODES, NODE_ADDRESSES, NODE_NETNS,
   * UNDERLAY_NETNS, UNDERLAY_BRIDGE, LOG_DIR, TOOLBOX_IMAGE).
   */
  public static void main(String[] args) throws InterruptedException, IOException {
    Options options = Options.defaults().withName("manual");
    List<Path> images = new ArrayList<>();
    Path envFile = null;
    for (String arg : args) {
      if (arg.startsWith("--nodes=")) {
        options = options.withNodes(Integer.parseInt(arg.substring("--nodes=".length())));
      } else if (arg.startsWith("--import=")) {
        for (String archive : arg.substring("--import=".length()).split(",")) {
          images.add(Path.of(archive).toAbsolutePath());
        }
      } else if (arg.startsWith("--env-file=")) {
        envFile = Path.of(arg.substring("--env-file=".length()));
      } else {
        throw new IllegalArgumentException("unknown argument " + arg + " (expected --nodes=N --import=a.tar,b.tar"
            + " --env-file=FILE)");
      }
    }
    try (KubeCluster cluster = start(options)) {
      cluster.importImages(images.toArray(Path[]::new));
      List<KubeNode> nodes = cluster.nodes();
      String env = """
          KUBECONFIG=%s
          NODES="%s"
          NODE_ADDRESSES="%s"
          NODE_NETNS="%s"
          UNDERLAY_NETNS=%s
          UNDERLAY_BRIDGE=%s
          LOG_DIR=%s
          TOOLBOX_IMAGE=%s
          """.formatted(cluster.controlPlane().kubeconfig(), join(nodes, KubeNode::name),
          join(nodes, KubeNode::address), join(nodes, KubeNode::netns), cluster.underlayNetns(),
          cluster.underlayBridge(), cluster.controlPlane().logDir(), cluster.toolboxImage());
      if (envFile != null) {
        Files.writeString(envFile, env);
      }
      System.out.printf("Kubernetes %s cluster at %s%n%sa node's shell: ip netns exec %s bash%n"
              + "SIGTERM or Ctrl-C stops it and removes everything.%n",
          KubeBinaries.KUBERNETES_VERSION, cluster.controlPlane().serverUrl(), env, nodes.getFirst().netns());
      Thread.currentThread().join();
    }
  }

  private static String join(List<KubeNode> nodes, java.util.function.Function<KubeNode, String> field) {
    return String.join(" ", nodes.stream().map(field).toList());
  }

  /** Tears down clusters whose JVM died without closing them (called under the machine lock). */
  private static void reapStale(Path tmp) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, DIR_PREFIX + "*")) {
      for (Path dir : dirs) {
        if (!StaleRuns.ownerGone(dir)) {
          continue;
        }
        ClusterLayout layout = ClusterLayout.load(dir);
        if (layout != null) {
          ClusterTeardown.run(layout);
        }
        StaleRuns.deleteRecursively(dir);
        LOG.atInfo().addKeyValue("dir", dir).log("removed a test cluster left behind by a JVM that was killed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot scan " + tmp + " for stale clusters", e);
    }
  }

  private static void requireNodeBinaries(KubeBinaries binaries) {
    for (String name : List.of("kubelet", "kube-proxy", "containerd", "containerd-shim-runc-v2", "ctr", "runc",
        "cni/bridge", "cni/host-local", "cni/loopback", "images/pause.tar", "images/coredns.tar",
        "images/toolbox.tar")) {
      binaries.require(name);
    }
  }
}
