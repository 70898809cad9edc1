package dev.simgate.agent;

import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.ConfigException;
import dev.simgate.contract.agentconfig.AgentConfigParser;
import dev.simgate.contract.agentconfig.MissingNodeEntryException;
import dev.simgate.agent.host.IpCommandHostNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar simgate-agent.jar --config FILE [--node NAME]}: runs until SIGTERM/SIGINT. */
@Command(name = "simgate-agent", mixinStandardHelpOptions = true, version = "simgate-agent 0.1.0",
    description = "User-space VXLAN gate peer: joins this host to a VPG's overlay through a TAP device.")
public final class Main implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "Agent config (YAML)")
  Path config;

  @Option(names = "--node", paramLabel = "NAME", defaultValue = "${env:NODE_NAME}",
      description = "This node's entry under 'nodes:' in the cluster config shape (default: env NODE_NAME)")
  String node;

  @Option(names = "--reload-interval", paramLabel = "DURATION", defaultValue = "PT1S",
      description = "How often the config file is checked for changes (ISO-8601, default ${DEFAULT-VALUE})")
  Duration reloadInterval;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    AgentConfig initial;
    String text;
    boolean waitLogged = false;
    while (true) {
      try {
        text = Files.readString(config);
        initial = AgentConfigParser.parse(text, node);
        break;
      } catch (MissingNodeEntryException e) {
        // The operator has not given this node an entry yet (or the kubelet has not delivered it):
        // wait for it rather than crash-loop. Nothing is set up on the host meanwhile.
        if (!waitLogged) {
          log.atInfo().addKeyValue("node", node).addKeyValue("config", config).addKeyValue("reason", e.getMessage())
              .log("waiting for this node's entry in the config");
          waitLogged = true;
        }
        Thread.sleep(reloadInterval);
      } catch (ConfigException e) {
        System.err.println("simgate-agent: invalid config " + config + ": " + e.getMessage());
        return 2;
      } catch (java.io.IOException e) {
        System.err.println("simgate-agent: cannot read config " + config + ": " + e.getMessage());
        return 2;
      }
    }
    Agent agent = new Agent(node, new IpCommandHostNetwork());
    CountDownLatch stopped = new CountDownLatch(1);
    try {
      agent.start(initial);
    } catch (Exception e) {
      log.atError().addKeyValue("reason", e.getMessage()).log("agent failed to start");
      return 1;
    }
    ConfigWatcher watcher = new ConfigWatcher(config, text, reloadInterval, agent::reload);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(() -> {
      watcher.close();
      agent.close();
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }
}
