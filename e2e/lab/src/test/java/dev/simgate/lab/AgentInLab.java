package dev.simgate.lab;

import dev.simgate.contract.agentconfig.AgentConfig;
import java.io.IOException;
import java.util.function.UnaryOperator;

/** A lab with the agent running on its node; closing stops the agent, then removes the lab. */
record AgentInLab(Lab lab, AgentProcess agent, Traffic traffic) implements AutoCloseable {

  static AgentInLab start(Lab.Options options) throws IOException {
    return start(options, UnaryOperator.identity());
  }

  /** Starts the agent with the lab's config as changed by {@code edit}. */
  static AgentInLab start(Lab.Options options, UnaryOperator<AgentConfig> edit) throws IOException {
    return start(options, edit, true);
  }

  /** Starts the agent with the lab's config as changed by {@code edit}; waits until it is ready if asked to. */
  static AgentInLab start(Lab.Options options, UnaryOperator<AgentConfig> edit, boolean awaitReady)
      throws IOException {
    Lab lab = Lab.up(options);
    try {
      String yaml = dev.simgate.contract.agentconfig.AgentConfigWriter.write(edit.apply(lab.agentConfig()));
      AgentProcess agent = awaitReady ? AgentProcess.start(lab, yaml) : AgentProcess.launch(lab, yaml);
      return new AgentInLab(lab, agent, new Traffic(lab));
    } catch (IOException | RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      agent.close();
    } finally {
      lab.close();
    }
  }
}
