package dev.simgate.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command lines of the control-plane processes of one run. */
final class ComponentCommands {

  /** Always added to requested controllers: it creates the "default" ServiceAccount that pod admission requires. */
  static final String SERVICE_ACCOUNT_CONTROLLER = "serviceaccount-controller";

  /** When asked for, kube-apiserver keeps tainting new Nodes not-ready (this controller lifts the taint). */
  static final String NODE_LIFECYCLE_CONTROLLER = "node-lifecycle-controller";

  private final KubeBinaries binaries;
  private final KubeControlPlane.Options options;
  private final Credentials credentials;
  private final Path workDir;

  ComponentCommands(
      KubeBinaries binaries, KubeControlPlane.Options options, Credentials credentials, Path workDir) {
    this.binaries = binaries;
    this.options = options;
    this.credentials = credentials;
    this.workDir = workDir;
  }

  List<String> etcd(int clientPort, int peerPort) {
    String clientUrl = "http://127.0.0.1:" + clientPort;
    String peerUrl = "http://127.0.0.1:" + peerPort;
    return List.of(
        binaries.etcd().toString(),
        "--name=default",
        "--data-dir=" + workDir.resolve("etcd"),
        "--listen-client-urls=" + clientUrl,
        "--advertise-client-urls=" + clientUrl,
        "--listen-peer-urls=" + peerUrl,
        "--initial-advertise-peer-urls=" + peerUrl,
        "--initial-cluster=default=" + peerUrl,
        // a throw-away test store: durability is irrelevant, fsync only slows down a shared disk
        "--unsafe-no-fsync=true");
  }

  List<String> apiserver(int etcdPort, int apiPort, Path certDir) {
    String saKey = credentials.serviceAccountKey().toString();
    String address = KubeControlPlane.apiServerAddress(options);
    List<String> command = new ArrayList<>(List.of(
        binaries.kubeApiserver().toString(),
        "--etcd-servers=http://127.0.0.1:" + etcdPort,
        "--bind-address=" + address,
        "--advertise-address=" + address,
        "--secure-port=" + apiPort,
        // kube-apiserver generates a self-signed serving certificate for its address, the first service IP and the
        // kubernetes.default.svc names here; clients trust that file
        "--cert-dir=" + certDir,
        "--token-auth-file=" + credentials.tokenFile(),
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file=" + saKey,
        "--service-account-signing-key-file=" + saKey,
        "--service-cluster-ip-range=10.96.0.0/16",
        "--allow-privileged=true"));
    if (options.nodes() == null) {
      command.addAll(List.of(
          "--authorization-mode=RBAC",
          // no real endpoint to publish for the "kubernetes" Service of a loopback-only apiserver
          "--endpoint-reconciler-type=none"));
    } else {
      command.addAll(List.of(
          // kubelets get exactly what their own pods and node need, as in a production cluster
          "--authorization-mode=Node,RBAC",
          "--enable-admission-plugins=NodeRestriction",
          // pods reach the apiserver through the "kubernetes" Service, whose endpoint is the advertised address
          "--endpoint-reconciler-type=lease",
          // logs/exec: node names do not resolve, their InternalIP does
          "--kubelet-preferred-address-types=InternalIP"));
    }
    if (!options.controllers().contains(NODE_LIFECYCLE_CONTROLLER)) {
      // New Nodes get a not-ready:NoSchedule taint that only the node lifecycle controller removes, once the node is
      // Ready. Without that controller (no kubelets heartbeat here) the taint would block scheduling forever.
      command.add("--disable-admission-plugins=TaintNodesByCondition");
    }
    return command;
  }

  List<String> controllerManager(Path config, Path caFile, int port) {
    List<String> controllers = new ArrayList<>(options.controllers());
    if (!controllers.contains(SERVICE_ACCOUNT_CONTROLLER)) {
      controllers.add(SERVICE_ACCOUNT_CONTROLLER);
    }
    List<String> command = component(binaries.kubeControllerManager(), config, port);
    command.addAll(List.of(
        "--controllers=" + String.join(",", controllers),
        "--use-service-account-credentials=false",
        "--service-account-private-key-file=" + credentials.serviceAccountKey(),
        "--root-ca-file=" + caFile));
    command.addAll(apiRate());
    return command;
  }

  List<String> scheduler(Path config, int port) {
    List<String> command = component(binaries.kubeScheduler(), config, port);
    command.addAll(apiRate());
    return command;
  }

  private List<String> apiRate() {
    int qps = options.componentQps();
    return qps == 0 ? List.of() : List.of("--kube-api-qps=" + qps, "--kube-api-burst=" + 2 * qps);
  }

  /** What kube-controller-manager and kube-scheduler share: credentials, no leader election, a loopback health port. */
  List<String> component(Path binary, Path config, int port) {
    String name = binary.getFileName().toString();
    return new ArrayList<>(List.of(
        binary.toString(),
        "--kubeconfig=" + config,
        "--authentication-kubeconfig=" + config,
        "--authorization-kubeconfig=" + config,
        "--leader-elect=false",
        "--bind-address=127.0.0.1",
        "--secure-port=" + port,
        "--cert-dir=" + workDir.resolve(name + "-certs")));
  }

  List<String> kwok(Path config, int port) {
    return List.of(
        binaries.kwok().toString(),
        "--kubeconfig=" + config,
        "--config=" + binaries.kwokStages(),
        "--manage-all-nodes=false",
        "--manage-nodes-with-annotation-selector=" + KubeControlPlane.KWOK_NODE_ANNOTATION + "=" + KubeControlPlane.KWOK_NODE_ANNOTATION_VALUE,
        "--server-address=127.0.0.1:" + port);
  }
}
