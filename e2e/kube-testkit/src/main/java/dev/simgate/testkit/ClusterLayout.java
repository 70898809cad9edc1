package dev.simgate.testkit;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where everything of one cluster lives: names, addresses and directories, all derived from a short run id, so that a
 * later run can find and remove what a killed run left behind from {@code cluster.properties} alone.
 *
 * <pre>
 *   host (kube-apiserver)  198.51.100.254 ──┐  underlay bridge br0 in netns &lt;id&gt;-ul, 198.51.100.0/24
 *   node-1 (netns &lt;id&gt;-node-1) 198.51.100.11 ─┤  pods 10.88.1.0/24 on its cni0, routed by the other nodes and the host
 *   node-2 (netns &lt;id&gt;-node-2) 198.51.100.12 ─┘  pods 10.88.2.0/24
 *   services 10.96.0.0/16, cluster DNS 10.96.0.10
 * </pre>
 *
 * The underlay is the documentation range 198.51.100.0/24, which SimGate's namespace lab also uses for its VPGs, so a
 * lab can join this network; pod and service ranges stay outside SORACOM's default device subnet 10.128.0.0/9.
 */
record ClusterLayout(String id, Path dir, int nodeCount) {

  static final String UNDERLAY_PREFIX = "198.51.100.";
  static final int UNDERLAY_PREFIX_LENGTH = 24;
  static final String HOST_ADDRESS = UNDERLAY_PREFIX + "254";
  static final String POD_NETWORK = "10.88.0.0/16";
  static final String SERVICE_NETWORK = "10.96.0.0/16";
  static final String DNS_SERVICE_ADDRESS = "10.96.0.10";
  static final String CLUSTER_DOMAIN = "cluster.local";
  static final String UNDERLAY_BRIDGE = "br0";
  private static final String FILE = "cluster.properties";

  ClusterLayout {
    if (!id.matches("[a-z][a-z0-9]{1,7}")) {
      throw new IllegalArgumentException("cluster id must be 2-8 of [a-z0-9], was: " + id);
    }
    if (nodeCount < 1 || nodeCount > 9) {
      throw new IllegalArgumentException("1 to 9 nodes, was: " + nodeCount);
    }
  }

  String nodeName(int node) {
    return "node-" + node;
  }

  String nodeAddress(int node) {
    return UNDERLAY_PREFIX + (10 + node);
  }

  String nodeNetns(int node) {
    return id + "-node-" + node;
  }

  String underlayNetns() {
    return id + "-ul";
  }

  /** The host's end of its link to the underlay bridge (an interface name: at most 15 characters). */
  String hostLink() {
    return id + "h";
  }

  String podCidr(int node) {
    return "10.88." + node + ".0/24";
  }

  String podGateway(int node) {
    return "10.88." + node + ".1";
  }

  /** Every cgroup of this cluster's nodes lives below this one, in every hierarchy. */
  String cgroupTop() {
    return "/simgate-" + id;
  }

  String cgroupRoot(int node) {
    return cgroupTop() + "/" + nodeName(node);
  }

  Path nodeDir(int node) {
    return dir.resolve(nodeName(node));
  }

  Path containerdSocket(int node) {
    return nodeDir(node).resolve("containerd.sock");
  }

  Path podLogsDir(int node) {
    return nodeDir(node).resolve("pod-logs");
  }

  Path sysctlsFile() {
    return dir.resolve("sysctls.properties");
  }

  void save() throws IOException {
    Properties properties = new Properties();
    properties.setProperty("id", id);
    properties.setProperty("nodes", Integer.toString(nodeCount));
    try (Writer out = Files.newBufferedWriter(dir.resolve(FILE))) {
      properties.store(out, "SimGate test cluster: read by the teardown of a later run if this one is killed");
    }
  }

  /** The layout saved in {@code dir}, or null when there is none (a cluster killed before it saved one). */
  static ClusterLayout load(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      properties.load(in);
    }
    return new ClusterLayout(
        properties.getProperty("id"), dir, Integer.parseInt(properties.getProperty("nodes")));
  }
}
