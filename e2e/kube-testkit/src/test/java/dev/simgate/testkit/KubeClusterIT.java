package dev.simgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof of the real nodes: two kubelets, each in its own network namespace, run pods that reach each other across
 * nodes, the apiserver through the kubernetes Service and cluster DNS; and the machine is left as it was, after a
 * normal close and after a JVM killed with SIGKILL (the next cluster removes what it left). Clusters are started by
 * hand here (not with the extension) because a test must see the machine before and after one.
 */
class KubeClusterIT {

  private static final Duration WAIT = Duration.ofMinutes(2);

  @Test
  void podsOnTwoNodesReachEachOtherTheApiServerAndClusterDnsAndCloseLeavesNothing() throws IOException {
    Map<String, String> before = HostSnapshot.take();
    try (KubeCluster cluster = KubeCluster.start(KubeCluster.Options.defaults().withName("KubeClusterIT").withNodes(2))) {
      KubernetesClient client = cluster.client();
      for (KubeNode node : cluster.nodes()) {
        Node object = client.nodes().withName(node.name()).get();
        assertThat(object.getStatus().getNodeInfo().getKubeletVersion()).isEqualTo("v" + KubeBinaries.KUBERNETES_VERSION);
        assertThat(object.getStatus().getNodeInfo().getContainerRuntimeVersion()).startsWith("containerd://2.");
        assertThat(object.getStatus().getAddresses()).extracting(NodeAddress::getAddress).contains(node.address());
        assertThat(node.exec("ip", "-4", "-o", "addr", "show", "dev", "eth0").requireSuccess())
            .as("the node's own network namespace").contains(node.address() + "/24");
      }
      Pod a = runPod(cluster, "a", "node-1");
      Pod b = runPod(cluster, "b", "node-2");
      assertThat(a.getStatus().getPodIP()).startsWith("10.88.1.");
      assertThat(b.getStatus().getPodIP()).startsWith("10.88.2.");

      assertThat(exec(cluster, "a", "ping", "-c", "2", "-W", "2", b.getStatus().getPodIP()))
          .as("pod to pod across nodes").contains("2 packets received");
      assertThat(exec(cluster, "b", "nslookup", "kubernetes.default.svc.cluster.local"))
          .as("cluster DNS (CoreDNS on one of the nodes, through kube-proxy)").contains("Address: 10.96.0.1");
      assertThat(exec(cluster, "a", "sh", "-c", "echo | nc -w 3 kubernetes.default.svc 443 && echo connected"))
          .as("the apiserver through the kubernetes Service").contains("connected");
    }
    assertThat(HostSnapshot.take()).as("what a cluster leaves on the machine").isEqualTo(before);
  }

  @Test
  void theNextClusterRemovesWhatAKilledJvmLeft(@TempDir Path tmp) throws Exception {
    Map<String, String> before = HostSnapshot.take();
    Path env = tmp.resolve("cluster.env");
    Path log = tmp.resolve("cluster.log");
    Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), KubeCluster.class.getName(), "--nodes=1", "--env-file=" + env)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      await().atMost(Duration.ofMinutes(4)).until(() -> Files.exists(env) || !jvm.isAlive());
      assertThat(jvm.isAlive()).as("cluster JVM, log:%n%s", Files.readString(log)).isTrue();
    } finally {
      jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
      jvm.waitFor(30, TimeUnit.SECONDS);
    }
    Map<String, String> left = HostSnapshot.take();
    assertThat(left).as("a killed JVM leaves its cluster behind").isNotEqualTo(before);
    assertThat(left.get("processes")).contains("kubelet");

    try (KubeCluster next = KubeCluster.start(KubeCluster.Options.defaults().withName("KubeClusterIT-next"))) {
      Map<String, String> during = HostSnapshot.take();
      assertThat(during.get("netns")).as("the killed cluster's namespaces are gone, the new one's are there")
          .doesNotContain(envValue(env, "UNDERLAY_NETNS")).contains(next.underlayNetns());
    }
    assertThat(HostSnapshot.take()).isEqualTo(before);
  }

  private static Pod runPod(KubeCluster cluster, String name, String node) {
    KubernetesClient client = cluster.client();
    client.pods().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withNodeName(node).withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("toolbox").withImage(cluster.toolboxImage()).withImagePullPolicy("Never")
        .withCommand("sleep", "3600").endContainer()
        .endSpec().build()).create();
    return client.pods().inNamespace("default").withName(name)
        .waitUntilCondition(p -> p != null && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())), WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static String exec(KubeCluster cluster, String pod, String... command) {
    List<String> argv = new ArrayList<>(List.of(cluster.controlPlane().kubectl().toString(), "exec", pod, "--"));
    argv.addAll(List.of(command));
    return Command.run(argv, Map.of("KUBECONFIG", cluster.controlPlane().kubeconfig().toString()), null, WAIT)
        .requireSuccess();
  }

  private static String envValue(Path env, String key) throws IOException {
    return Files.readAllLines(env).stream().filter(l -> l.startsWith(key + "=")).findFirst().orElseThrow()
        .substring(key.length() + 1);
  }

  /** What of the machine a cluster touches: namespaces, host links and routes, mounts, cgroups, settings, processes. */
  static final class HostSnapshot {
    static Map<String, String> take() throws IOException {
      Map<String, String> state = new TreeMap<>();
      state.put("netns", Command.check("ip", "netns", "list").lines()
          .filter(l -> l.matches("k[0-9a-f]{5}-.*")).sorted().toList().toString());
      state.put("links", Command.check("ip", "-o", "link").lines()
          .map(l -> l.split(": ")[1]).filter(l -> l.matches("k[0-9a-f]{5}h.*")).toList().toString());
      state.put("routes", Command.check("ip", "route").lines().filter(l -> l.startsWith("10.88.")
          || l.startsWith("198.51.100.")).toList().toString());
      state.put("mounts", ClusterTeardown.mountsBelow(Path.of(System.getProperty("java.io.tmpdir"))).stream()
          .filter(m -> m.contains("simgate-cluster-")).toList().toString());
      List<String> cgroups = new ArrayList<>();
      for (Path hierarchy : HostState.cgroupHierarchies()) {
        try (var dirs = Files.list(hierarchy)) {
          dirs.filter(d -> d.getFileName().toString().startsWith("simgate-")).forEach(d -> cgroups.add(d.toString()));
        }
      }
      state.put("cgroups", cgroups.toString());
      for (String sysctl : HostState.KUBELET_SYSCTLS) {
        state.put(sysctl, HostState.readKernelFile(Path.of("/proc/sys", sysctl)));
      }
      state.put("/run/containerd", Boolean.toString(Files.exists(ClusterTeardown.SHIM_SOCKETS)));
      state.put("/var/log/containers", Boolean.toString(Files.exists(Path.of("/var/log/containers"))));
      state.put("processes", ProcessHandle.allProcesses()
          .map(p -> p.info().command().orElse(""))
          .map(c -> c.substring(c.lastIndexOf('/') + 1))
          .filter(c -> List.of("kubelet", "kube-proxy", "containerd", "containerd-shim-runc-v2", "pause", "coredns")
              .contains(c))
          .sorted().toList().toString());
      return state;
    }
  }
}
