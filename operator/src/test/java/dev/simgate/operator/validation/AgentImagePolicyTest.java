package dev.simgate.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.simgate.operator.api.v1alpha1.GatePeerSpec;

class AgentImagePolicyTest {
  private static GatePeerSpec naming(String image) {
    GatePeerSpec spec = new GatePeerSpec();
    spec.agent.image = image;
    return spec;
  }

  @Test
  void byDefaultOnlyTheOperatorsOwnImageRuns() {
    AgentImagePolicy policy = AgentImagePolicy.of("simgate/agent:0.1.0", null);
    assertThat(policy.check(naming(null))).as("unset: the operator's image").isEmpty();
    assertThat(policy.check(naming("simgate/agent:0.1.0"))).isEmpty();
    Problem problem = policy.check(naming("attacker.example/agent:latest")).orElseThrow();
    assertThat(problem.reason()).isEqualTo(Problem.AGENT_IMAGE_NOT_ALLOWED);
    assertThat(problem.message()).contains("spec.agent.image 'attacker.example/agent:latest'", "simgate/agent:0.1.0",
        "NET_ADMIN", "agent.allowedImages");
    assertThat(policy.check(naming("simgate/agent:0.1.0-evil"))).isPresent();
  }

  @Test
  void anAdminWidensTheListWithExactImagesAndPrefixes() {
    AgentImagePolicy policy = AgentImagePolicy.of("simgate/agent:0.1.0",
        " registry.example.com/simgate/agent:* , mirror.example.com/agent:1.2 ,");
    assertThat(policy.patterns()).containsExactly("simgate/agent:0.1.0", "registry.example.com/simgate/agent:*",
        "mirror.example.com/agent:1.2");
    assertThat(policy.allows("registry.example.com/simgate/agent:0.2.0")).isTrue();
    assertThat(policy.allows("mirror.example.com/agent:1.2")).isTrue();
    assertThat(policy.allows("mirror.example.com/agent:1.3")).isFalse();
    assertThat(policy.allows("registry.example.com/simgate/other:1")).isFalse();
    assertThatThrownBy(() -> AgentImagePolicy.of("simgate/agent:0.1.0", "registry.example.com/*/agent"))
        .hasMessageContaining("registry.example.com/*/agent");
  }
}
