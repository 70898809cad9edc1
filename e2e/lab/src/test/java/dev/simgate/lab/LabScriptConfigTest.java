package dev.simgate.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simgate.contract.agentconfig.AgentConfigParser;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tests build the lab's agent config with the typed model ({@link Lab#agentConfig(int)}); people get theirs from
 * {@code lab.sh agent-config}. Both must describe the same agent.
 */
class LabScriptConfigTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void theScriptPrintsTheConfigTheTestsBuild(int vpgs) throws Exception {
    Lab.Result printed = Lab.execute(List.of("bash", Lab.script().toString(), "agent-config", "x", "--vpgs", "" + vpgs));
    assertThat(printed.ok()).as(printed.output()).isTrue();
    assertThat(AgentConfigParser.parse(printed.output(), null)).isEqualTo(Lab.agentConfig(vpgs));
  }
}
