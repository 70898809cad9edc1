package dev.simgate.testkit;

import static dev.simgate.testkit.Command.check;
import static dev.simgate.testkit.Command.run;

/**
 * The network of a cluster's nodes (see {@link ClusterLayout}): an underlay bridge in its own namespace, the host on
 * it (for kube-apiserver), and one namespace per node with its underlay address, a default route via the host (so that
 * service addresses, which kube-proxy translates, always have a route), and routes to every other node's pods, as a
 * host-gateway CNI would install them. Nothing is configured on the host besides its link to the bridge and routes to
 * the pod networks, which disappear with the link.
 */
final class ClusterNetwork {

  private ClusterNetwork() {}

  static void create(ClusterLayout layout) {
    String ul = layout.underlayNetns();
    addNamespace(ul);
    check("ip", "-n", ul, "link", "add", ClusterLayout.UNDERLAY_BRIDGE, "type", "bridge");
    check("ip", "-n", ul, "link", "set", ClusterLayout.UNDERLAY_BRIDGE, "up");
    String host = layout.hostLink();
    check("ip", "link", "add", host, "type", "veth", "peer", "name", "host", "netns", ul);
    check("ip", "-n", ul, "link", "set", "host", "master", ClusterLayout.UNDERLAY_BRIDGE, "up");
    check("ip", "addr", "add", ClusterLayout.HOST_ADDRESS + "/" + ClusterLayout.UNDERLAY_PREFIX_LENGTH, "dev", host);
    check("ip", "link", "set", host, "up");
    for (int node = 1; node <= layout.nodeCount(); node++) {
      String ns = layout.nodeNetns(node);
      addNamespace(ns);
      String port = "n" + node;
      check("ip", "-n", ul, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
      check("ip", "-n", ul, "link", "set", port, "master", ClusterLayout.UNDERLAY_BRIDGE, "up");
      check("ip", "-n", ns, "addr", "add",
          layout.nodeAddress(node) + "/" + ClusterLayout.UNDERLAY_PREFIX_LENGTH, "dev", "eth0");
      check("ip", "-n", ns, "link", "set", "eth0", "up");
      check("ip", "-n", ns, "route", "add", "default", "via", ClusterLayout.HOST_ADDRESS);
      // pods are routed through the node; bridged pod traffic passes netfilter so kube-proxy's NAT sees replies
      check("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1",
          "net.bridge.bridge-nf-call-iptables=1");
      check("ip", "route", "add", layout.podCidr(node), "via", layout.nodeAddress(node));
      for (int other = 1; other <= layout.nodeCount(); other++) {
        if (other != node) {
          check("ip", "-n", ns, "route", "add", layout.podCidr(other), "via", layout.nodeAddress(other));
        }
      }
    }
  }

  /** Removes the namespaces (the host's link and routes go with the underlay's); idempotent. */
  static void remove(ClusterLayout layout) {
    for (int node = layout.nodeCount(); node >= 1; node--) {
      run("ip", "netns", "del", layout.nodeNetns(node));
    }
    run("ip", "netns", "del", layout.underlayNetns());
    run("ip", "link", "del", layout.hostLink()); // normally gone with its peer already
  }

  private static void addNamespace(String name) {
    check("ip", "netns", "add", name);
    check("ip", "-n", name, "link", "set", "lo", "up");
  }
}
