package dev.simgate.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.simgate.operator.Fixtures;
import dev.simgate.operator.api.v1alpha1.AgentContainer;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;

public class AgentResourcesTest {
  /** Asserts the agent's security posture field by field; shared with the integration test on the stored object. */
  public static void assertAgentDaemonSet(DaemonSet ds, String gatePeer, String namespace) {
    String name = "simgate-" + gatePeer;
    assertThat(ds.getMetadata().getName()).isEqualTo(name);
    assertThat(ds.getMetadata().getNamespace()).isEqualTo(namespace);
    assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxSurge().getIntVal())
        .as("the new agent starts beside the old one and takes the interface over").isEqualTo(1);
    assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    var pod = ds.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(pod.getServiceAccountName()).isEqualTo(name);
    assertThat(pod.getAutomountServiceAccountToken()).as("the agent never calls the API: no token").isFalse();
    assertThat(pod.getNodeSelector()).isEqualTo(Map.of(Fixtures.GATE_LABEL, "true"));
    assertThat(pod.getContainers()).hasSize(1);
    var c = pod.getContainers().getFirst();
    assertThat(c.getImage()).isEqualTo("simgate/agent:0.1.0");
    assertThat(c.getArgs()).containsExactly("--config", "/etc/simgate/agent.yaml", "--handover-wait", "PT10S");
    assertThat(c.getPorts()).as("no host port to keep a surge pod off the node").isNullOrEmpty();
    var sc = c.getSecurityContext();
    assertThat(sc.getPrivileged()).isFalse();
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(sc.getCapabilities().getAdd()).containsExactly("NET_ADMIN");
    var nodeName = c.getEnv().stream().filter(e -> e.getName().equals("NODE_NAME")).findFirst().orElseThrow();
    assertThat(nodeName.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
    assertThat(c.getEnv()).as("a small heap, whatever the node's memory").anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("JAVA_TOOL_OPTIONS");
      assertThat(e.getValue()).contains("-Xmx64m");
    });
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getLivenessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9464);
    for (var probe : java.util.List.of(c.getLivenessProbe(), c.getStartupProbe(), c.getReadinessProbe())) {
      assertThat(probe.getHttpGet().getHost()).as("the agent serves probes on the loopback only").isEqualTo("127.0.0.1");
    }
    assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getStartupProbe().getPeriodSeconds() * c.getStartupProbe().getFailureThreshold())
        .as("seconds an agent may wait for its node's entry before the kubelet restarts it").isEqualTo(300);
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9464);
    var tun = pod.getVolumes().stream().filter(v -> v.getHostPath() != null).findFirst().orElseThrow();
    assertThat(tun.getHostPath().getPath()).isEqualTo("/dev/net/tun");
    assertThat(tun.getHostPath().getType()).isEqualTo("CharDevice");
    assertThat(c.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo(tun.getName());
      assertThat(m.getMountPath()).isEqualTo("/dev/net/tun");
    });
    var config = pod.getVolumes().stream().filter(v -> v.getConfigMap() != null).findFirst().orElseThrow();
    assertThat(config.getConfigMap().getName()).isEqualTo(name);
    assertThat(pod.getVolumes()).noneMatch(v -> v.getHostPath() != null && !v.getHostPath().getPath().equals("/dev/net/tun"));
  }

  @Test
  void daemonSetHasTheAgreedSecurityPosture() {
    var peer = Fixtures.gatePeer("gp", "vpg", "10.255.255.0/24");
    assertAgentDaemonSet(AgentResources.daemonSet("gp", "simgate-system", peer.getSpec(), AgentImage.DEFAULT), "gp", "simgate-system");
  }

  @Test
  void agentImageComesFromTheGatePeerElseFromTheOperatorDefault() {
    var defaults = new AgentImage("registry.example/simgate/agent:9.9", "Always");
    var peer = Fixtures.gatePeer("gp", "vpg", "10.255.255.0/24");
    var fromOperator = AgentResources.daemonSet("gp", "ns", peer.getSpec(), defaults)
        .getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertThat(fromOperator.getImage()).isEqualTo("registry.example/simgate/agent:9.9");
    assertThat(fromOperator.getImagePullPolicy()).isEqualTo("Always");

    peer.getSpec().agent = new AgentContainer();
    peer.getSpec().agent.image = "own/agent:1";
    var own = AgentResources.daemonSet("gp", "ns", peer.getSpec(), defaults)
        .getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertThat(own.getImage()).isEqualTo("own/agent:1");
    assertThat(own.getImagePullPolicy()).as("the operator's pull policy belongs to the operator's image").isNull();
  }

  @Test
  void eachGatePeerHasItsOwnServiceAccount() {
    assertThat(AgentResources.serviceAccount("gp", "simgate-system").getMetadata().getName()).isEqualTo("simgate-gp");
  }
}
