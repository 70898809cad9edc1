package dev.simgate.lab;

import dev.simgate.contract.agentconfig.AgentConfig;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** A test class whose tests share one lab with the agent running: built before the first, removed after the last. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SharedLabTest {
  protected AgentInLab env;
  protected Lab lab;
  protected AgentProcess agent;
  protected Traffic traffic;

  /** What the lab is made of. */
  protected abstract Lab.Options options();

  /** The agent's config: the lab's, changed by this (the lab's as it is by default). */
  protected AgentConfig config(AgentConfig lab) {
    return lab;
  }

  @BeforeAll
  void up() throws IOException {
    env = AgentInLab.start(options(), this::config);
    lab = env.lab();
    agent = env.agent();
    traffic = env.traffic();
  }

  @AfterAll
  void down() {
    if (env != null) {
      env.close();
    }
  }
}
