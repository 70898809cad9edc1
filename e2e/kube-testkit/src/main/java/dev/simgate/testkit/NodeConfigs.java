package dev.simgate.testkit;

import java.nio.file.Path;

/** The configuration files of one real node: containerd, its CNI network, kubelet and kube-proxy. */
final class NodeConfigs {

  private NodeConfigs() {}

  /**
   * containerd 2.x (config version 3), with every path under the node's directory so that two nodes never share
   * state. {@code restrict_oom_score_adj}: this kind of VM withholds CAP_SYS_RESOURCE, so runc cannot give a pod
   * sandbox kubelet's score of -998 and fails with "can't get final child's PID from pipe"; containerd then raises
   * requested scores to its own. NRI is off (its socket is machine-wide).
   */
  static String containerd(ClusterLayout layout, int node, Path binDir, String sandboxImage) {
    Path dir = layout.nodeDir(node).resolve("containerd");
    return """
        version = 3
        root = '%1$s/root'
        state = '%1$s/state'
        disabled_plugins = ['io.containerd.nri.v1.nri']

        [grpc]
          address = '%2$s'

        [ttrpc]
          address = '%2$s.ttrpc'

        [plugins.'io.containerd.internal.v1.opt']
          path = '%1$s/opt'

        [plugins.'io.containerd.cri.v1.images']
          snapshotter = 'overlayfs'
          [plugins.'io.containerd.cri.v1.images'.pinned_images]
            sandbox = '%3$s'

        [plugins.'io.containerd.cri.v1.runtime']
          restrict_oom_score_adj = true
          netns_mounts_under_state_dir = true
          [plugins.'io.containerd.cri.v1.runtime'.containerd]
            default_runtime_name = 'runc'
            [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
              runtime_type = 'io.containerd.runc.v2'
              [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
                BinaryName = '%4$s/runc'
                Root = '%1$s/runc'
                SystemdCgroup = false
          [plugins.'io.containerd.cri.v1.runtime'.cni]
            bin_dirs = ['%4$s/cni']
            conf_dir = '%5$s'

        [plugins.'io.containerd.grpc.v1.cri']
          stream_server_address = '127.0.0.1'
        """
        .formatted(dir, layout.containerdSocket(node), sandboxImage, binDir, cniConfDir(layout, node));
  }

  static Path cniConfDir(ClusterLayout layout, int node) {
    return layout.nodeDir(node).resolve("cni/net.d");
  }

  /** A bridge network for the node's pods; other nodes reach them by routes to the node (see ClusterNetwork). */
  static String cni(ClusterLayout layout, int node) {
    return """
        {
          "cniVersion": "1.0.0",
          "name": "simgate-test",
          "plugins": [
            {
              "type": "bridge",
              "bridge": "cni0",
              "isGateway": true,
              "ipMasq": false,
              "hairpinMode": true,
              "ipam": {
                "type": "host-local",
                "ranges": [[{"subnet": "%s", "gateway": "%s"}]],
                "routes": [{"dst": "0.0.0.0/0"}],
                "dataDir": "%s"
              }
            }
          ]
        }
        """
        .formatted(layout.podCidr(node), layout.podGateway(node), layout.nodeDir(node).resolve("cni/networks"));
  }

  /**
   * kubelet 1.36 on a cgroup v1 host ({@code failCgroupV1: false}) whose PID 1 is not systemd (cgroupfs). The API
   * port binds to every address of the node's network namespace, as a real kubelet does by default (so a test can
   * check what reaches it through another of the node's addresses), healthz to the underlay address. Test-only:
   * anonymous requests are allowed (kube-apiserver reaches {@code logs}/{@code exec} without a client certificate);
   * the node's network namespace is only reachable from this machine.
   * Eviction and image GC thresholds are low: the disk is shared with the rest of the machine.
   */
  static String kubelet(ClusterLayout layout, int node) {
    Path dir = layout.nodeDir(node);
    return """
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        failCgroupV1: false
        cgroupDriver: cgroupfs
        cgroupRoot: %1$s
        containerRuntimeEndpoint: unix://%2$s
        imageServiceEndpoint: unix://%2$s
        podLogsDir: %3$s
        volumePluginDir: %4$s/volume-plugins
        address: 0.0.0.0
        port: 10250
        readOnlyPort: 0
        healthzBindAddress: %5$s
        healthzPort: 10248
        oomScoreAdj: 0
        failSwapOn: false
        authentication:
          anonymous:
            enabled: true
          webhook:
            enabled: false
        authorization:
          mode: AlwaysAllow
        clusterDomain: %6$s
        clusterDNS: [%7$s]
        resolvConf: /etc/resolv.conf
        evictionHard:
          memory.available: 100Mi
          nodefs.available: 1%%
          imagefs.available: 1%%
          nodefs.inodesFree: 1%%
        imageGCHighThresholdPercent: 100
        imageGCLowThresholdPercent: 99
        syncFrequency: 10s
        serializeImagePulls: false
        maxPods: 40
        """
        .formatted(layout.cgroupRoot(node), layout.containerdSocket(node), layout.podLogsDir(node), dir,
            layout.nodeAddress(node), ClusterLayout.CLUSTER_DOMAIN, ClusterLayout.DNS_SERVICE_ADDRESS);
  }

  /**
   * kube-proxy in nftables mode (this kernel has no IPVS; the iptables binary is not installed). Conntrack limits and
   * timeouts are left as they are: they are machine-wide.
   */
  static String kubeProxy(ClusterLayout layout, int node, Path kubeconfig) {
    return """
        apiVersion: kubeproxy.config.k8s.io/v1alpha1
        kind: KubeProxyConfiguration
        mode: nftables
        clientConnection:
          kubeconfig: %s
        hostnameOverride: %s
        bindAddress: %s
        healthzBindAddress: %s:10256
        metricsBindAddress: 127.0.0.1:10249
        clusterCIDR: %s
        oomScoreAdj: 0
        conntrack:
          maxPerCore: 0
          min: 0
          tcpEstablishedTimeout: 0s
          tcpCloseWaitTimeout: 0s
        """
        .formatted(kubeconfig, layout.nodeName(node), layout.nodeAddress(node), layout.nodeAddress(node),
            ClusterLayout.POD_NETWORK);
  }
}
