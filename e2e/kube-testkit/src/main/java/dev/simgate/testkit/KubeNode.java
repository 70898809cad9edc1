package dev.simgate.testkit;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One real Kubernetes node: containerd, kubelet and kube-proxy, run in the node's own network namespace (through
 * {@code nsenter --net}, which keeps the host's mount namespace, so kubelet's volume mounts are visible to containerd)
 * with every file under the node's directory. Its hostNetwork pods share that namespace: the node's network is theirs.
 */
public final class KubeNode {

  private final ClusterLayout layout;
  private final int index;
  private final KubeBinaries binaries;
  private final List<ManagedProcess> processes = new ArrayList<>();

  KubeNode(ClusterLayout layout, int index, KubeBinaries binaries) {
    this.layout = layout;
    this.index = index;
    this.binaries = binaries;
  }

  /** The Node's name (also kubelet's hostname override). */
  public String name() {
    return layout.nodeName(index);
  }

  /** The node's InternalIP on the underlay. */
  public String address() {
    return layout.nodeAddress(index);
  }

  /** The network namespace (under /run/netns) the node, and its hostNetwork pods, run in. */
  public String netns() {
    return layout.nodeNetns(index);
  }

  public String podCidr() {
    return layout.podCidr(index);
  }

  /** Runs a command in the node's network namespace (like a shell on the node). */
  public Command exec(String... command) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", netns()));
    argv.addAll(List.of(command));
    return Command.run(argv);
  }

  /** Imports docker/OCI archives into the node's containerd (namespace k8s.io, as the kubelet sees images). */
  public void importImages(List<Path> archives) {
    for (Path archive : archives) {
      Command.run(List.of(binaries.require("ctr").toString(), "--address", layout.containerdSocket(index).toString(),
              "--namespace", "k8s.io", "images", "import", "--local", archive.toString()), Map.of(), null,
          Duration.ofMinutes(3)).requireSuccess();
    }
  }

  /** Starts containerd and waits until it answers. */
  void startRuntime(Path logDir, Duration timeout) throws IOException {
    Path dir = layout.nodeDir(index);
    Files.createDirectories(NodeConfigs.cniConfDir(layout, index));
    Files.createDirectories(layout.podLogsDir(index));
    Path config = dir.resolve("containerd.toml");
    Files.writeString(config, NodeConfigs.containerd(layout, index, binaries.dir(), sandboxImage()));
    Files.writeString(NodeConfigs.cniConfDir(layout, index).resolve("10-simgate-test.conflist"),
        NodeConfigs.cni(layout, index));
    ManagedProcess containerd =
        launch(logDir, "containerd", List.of(binaries.require("containerd").toString(), "--config", config.toString()));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!containerd.isAlive()) {
        throw new ControlPlaneStartException(name() + ": " + containerd.exitDescription(), containerd);
      }
      if (Files.exists(layout.containerdSocket(index)) && Command.run(binaries.require("ctr").toString(),
          "--address", layout.containerdSocket(index).toString(), "version").succeeded()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new ControlPlaneStartException(name() + ": containerd did not answer", containerd);
      }
      sleep(200);
    }
  }

  /** Starts kubelet and kube-proxy and waits for kubelet's health endpoint (the Node's readiness is the caller's). */
  void startKubelet(KubeControlPlane plane, Path logDir, Duration timeout) throws IOException {
    Path dir = layout.nodeDir(index);
    Path kubeletConfig = dir.resolve("kubelet.yaml");
    Files.writeString(kubeletConfig, NodeConfigs.kubelet(layout, index));
    Path kubeletKubeconfig = plane.kubeconfigFor(Credentials.nodeUser(name()));
    ManagedProcess kubelet = launch(logDir, "kubelet", List.of(
        binaries.require("kubelet").toString(),
        "--config=" + kubeletConfig,
        "--kubeconfig=" + kubeletKubeconfig,
        "--root-dir=" + dir.resolve("kubelet"),
        "--cert-dir=" + dir.resolve("kubelet-pki"),
        "--hostname-override=" + name(),
        "--node-ip=" + address()));
    Path proxyConfig = dir.resolve("kube-proxy.yaml");
    Files.writeString(proxyConfig, NodeConfigs.kubeProxy(layout, index, plane.kubeconfigFor(Credentials.KUBE_PROXY)));
    ManagedProcess proxy = launch(logDir, "kube-proxy",
        List.of(binaries.require("kube-proxy").toString(), "--config=" + proxyConfig));
    Readiness.await(name() + " kubelet", URI.create("http://" + address() + ":10248/healthz"), "ok"::equals,
        timeout, List.of(kubelet, proxy));
  }

  /** Stops kube-proxy and kubelet (the pods keep running until the cluster's teardown stops them). */
  void stopKubelet() {
    processes.reversed().stream()
        .filter(p -> !p.name().endsWith("containerd"))
        .forEach(ManagedProcess::close);
  }

  /** Stops containerd (shims and containers are the teardown's). */
  void stopRuntime() {
    processes.reversed().forEach(ManagedProcess::close);
  }

  List<ManagedProcess> processes() {
    return processes;
  }

  private ManagedProcess launch(Path logDir, String component, List<String> command) throws IOException {
    List<String> argv = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + netns(), "--"));
    argv.addAll(command);
    // runc, the shim, the CNI plugins and mount/ip/nft are found on PATH
    Map<String, String> env = Map.of("PATH", binaries.dir() + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    ManagedProcess process = ManagedProcess.start(name() + "-" + component, argv, logDir, env);
    processes.add(process);
    return process;
  }

  /** The sandbox image's name, read from the archive the toolchain built (so its tag has one source). */
  String sandboxImage() {
    return ImageArchives.repoTag(binaries.require("images/pause.tar"));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
