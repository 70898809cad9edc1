package dev.simgate.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.simgate.testkit.Command;
import dev.simgate.testkit.KubeControlPlane;
import dev.simgate.testkit.WithKubeControlPlane;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's renders, the one-file manifest and the examples against a real kube-apiserver: CRDs and namespaces are
 * applied for real first (as `kubectl apply` of the manifest does), then everything goes through a server-side dry
 * run, which runs the API server's schema checks, strict field validation and admission without storing anything.
 */
@WithKubeControlPlane
class ServerDryRunIT {

  private static Kubectl kubectl;

  @BeforeAll
  static void installCrdsAndNamespaces(KubeControlPlane controlPlane) throws IOException {
    kubectl = new Kubectl(controlPlane);
    StringBuilder crds = new StringBuilder();
    for (String crd : Repo.CRD_FILES) {
      crds.append(Files.readString(Repo.CRDS.resolve(crd))).append("\n---\n");
    }
    kubectl.apply(crds.toString());
    kubectl.run(null, "wait", "--for=condition=Established", "--timeout=60s",
        "crd/virtualprivategateways.simgate.dev", "crd/gatepeers.simgate.dev", "crd/devicesubnets.simgate.dev")
        .requireSuccess();
    JsonNode namespace = Manifests.single(Manifests.parse(Repo.MANIFEST), "Namespace");
    kubectl.apply(Manifests.YAML.writeValueAsString(namespace));
    // The examples' DeviceSubnet lives in namespace factory, allowed by the VPG's namespaceSelector.
    kubectl.apply("""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: factory
          labels:
            simgate.dev/iot: "true"
        """);
  }

  @Test
  void defaultChartRenderPassesServerDryRun() {
    assertDryRunAccepts(Helm.template().requireSuccess());
  }

  @Test
  void customChartRenderPassesServerDryRun() {
    // The ServiceMonitor needs the Prometheus Operator's CRDs, absent here; its render is checked in HelmChartIT.
    assertDryRunAccepts(Helm.template("-f", Fixtures.resource("values-custom.yaml").toString(),
        "--set", "metrics.serviceMonitor.enabled=false").requireSuccess());
  }

  @Test
  void oneFileManifestPassesServerDryRun() throws IOException {
    assertDryRunAccepts(Files.readString(Repo.MANIFEST));
  }

  @Test
  void examplesValidateAgainstTheInstalledCrds() throws IOException {
    assertDryRunAccepts(examples());
  }

  @Test
  void aMisspeltFieldInAnExampleIsRejected() throws IOException {
    ObjectNode vpg = (ObjectNode) Manifests.parse(Repo.EXAMPLES.resolve("virtualprivategateway.yaml")).getFirst();
    ((ObjectNode) vpg.get("spec")).put("vnii", 10);

    Command dryRun = kubectl.dryRun(Manifests.YAML.writeValueAsString(vpg));

    assertThat(dryRun.exitCode()).as(dryRun.describe()).isNotZero();
    assertThat(dryRun.stderr()).contains("vnii");
  }

  @Test
  void agentPodsAreAdmittedOnlyWithThePrivilegedLevel() {
    kubectl.apply("""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: baseline-only
          labels:
            pod-security.kubernetes.io/enforce: baseline
        """);
    for (String namespace : List.of("simgate-system", "baseline-only")) {
      // Without kube-controller-manager no "default" ServiceAccount appears by itself.
      kubectl.run(null, "-n", namespace, "create", "serviceaccount", "default").requireSuccess();
    }

    assertDryRunAccepts(agentShapedPod("simgate-system"));
    Command rejected = kubectl.dryRun(agentShapedPod("baseline-only"));
    assertThat(rejected.exitCode()).as(rejected.describe()).isNotZero();
    assertThat(rejected.stderr()).contains("violates PodSecurity", "hostNetwork", "NET_ADMIN", "hostPath");
  }

  @Test
  void operatorPodFitsTheRestrictedLevel() throws IOException {
    kubectl.apply("""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: restricted-only
          labels:
            pod-security.kubernetes.io/enforce: restricted
        """);
    kubectl.run(null, "-n", "restricted-only", "create", "serviceaccount", "simgate-operator").requireSuccess();
    JsonNode deployment = Manifests.single(Manifests.parse(Helm.template().requireSuccess()), "Deployment");
    ObjectNode pod = Manifests.YAML.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
    pod.putObject("metadata").put("name", "operator-shape").put("namespace", "restricted-only");
    pod.set("spec", deployment.at("/spec/template/spec"));

    assertDryRunAccepts(Manifests.YAML.writeValueAsString(pod));
  }

  /** A pod shaped like the operator's agent DaemonSet: host network, NET_ADMIN, /dev/net/tun from the host. */
  private static String agentShapedPod(String namespace) {
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          name: agent-shape
          namespace: %s
        spec:
          hostNetwork: true
          dnsPolicy: ClusterFirstWithHostNet
          priorityClassName: system-node-critical
          containers:
            - name: agent
              image: simgate/agent:0.1.0
              securityContext:
                allowPrivilegeEscalation: false
                capabilities: {drop: [ALL], add: [NET_ADMIN]}
              volumeMounts: [{name: tun, mountPath: /dev/net/tun}]
          volumes:
            - name: tun
              hostPath: {path: /dev/net/tun, type: CharDevice}
        """.formatted(namespace);
  }

  private static void assertDryRunAccepts(String yaml) {
    List<JsonNode> objects = Manifests.parse(yaml);
    Command dryRun = kubectl.dryRun(yaml);
    String out = dryRun.requireSuccess();
    assertThat(dryRun.stderr()).as("warnings from the API server").doesNotContainIgnoringCase("warning");
    assertThat(out.lines().filter(l -> l.endsWith("(server dry run)")).count())
        .as("one dry-run line per object:\n%s", out).isEqualTo(objects.size());
  }

  private static String examples() throws IOException {
    try (var files = Files.list(Repo.EXAMPLES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().map(Fixtures::read)
          .collect(Collectors.joining("\n---\n"));
    }
  }
}
