package dev.simgate.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.AgentConfigWriter;
import dev.simgate.contract.net.Cidr;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A route of someone else's on the gate node (a pod network, a VPN) whose prefix a DeviceSubnet also names: the agent
 * leaves it where it is and says why, at start and on a config change, instead of taking it over with
 * {@code ip route replace}.
 */
class ForeignRouteLabIT {
  /** Stands for another owner's route; a blackhole needs no interface of its own in the node's namespace. */
  private static final String FOREIGN = "203.0.113.0/24";
  private static final String NOT_OWNED = "never replaces a route it does not own";

  private Lab lab;
  private AgentProcess agent;

  @AfterEach
  void down() {
    if (agent != null) {
      agent.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  private static AgentConfig routing(AgentConfig config, String cidr) {
    List<Cidr> routes = new ArrayList<>(config.settings().routes());
    routes.add(Cidr.parse(cidr));
    return config.withSettings(config.settings().withRoutes(routes));
  }

  private String foreignRoute() throws IOException {
    return lab.run("node", "ip", "route", "show", FOREIGN).strip();
  }

  @Test
  void aRouteItDoesNotOwnStopsTheStartAndStaysAsItWas() throws IOException {
    lab = Lab.up(Lab.Options.agent(1));
    lab.run("node", "ip", "route", "add", "blackhole", FOREIGN);
    agent = AgentProcess.launch(lab, AgentConfigWriter.write(routing(lab.agentConfig(), FOREIGN)));

    await().atMost(Duration.ofSeconds(30)).until(() -> agent.log().contains(NOT_OWNED));
    assertThat(agent.log()).contains("blackhole " + FOREIGN);
    assertThat(foreignRoute()).isEqualTo("blackhole " + FOREIGN);
    assertThat(lab.exec("node", "curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:9464/readyz").ok())
        .as("not ready on a config it could not apply").isFalse();
  }

  @Test
  void aConfigChangeThatWouldTakeARouteOverIsRefusedAndTheRouteStays() throws IOException {
    lab = Lab.up(Lab.Options.agent(1));
    agent = AgentProcess.start(lab, lab.agentConfig());
    lab.run("node", "ip", "route", "add", "blackhole", FOREIGN);

    agent.writeConfig(routing(lab.agentConfig(), FOREIGN));

    await().atMost(Duration.ofSeconds(30)).until(() -> agent.log().contains(NOT_OWNED));
    assertThat(foreignRoute()).isEqualTo("blackhole " + FOREIGN);
    assertThat(lab.run("node", "ip", "route", "show", "dev", "simgate0")).doesNotContain(FOREIGN);
  }
}
