package dev.simgate.agent;

import dev.simgate.agent.host.IpCommandHostNetwork;
import dev.simgate.agent.node.NodeCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar simgate-agent.jar --config FILE [--node NAME]}: the gate agent, until SIGTERM/SIGINT;
 * {@code java -jar simgate-agent.jar node ...}: the node agent ({@link NodeCommand}).
 */
@Command(name = "simgate-agent", mixinStandardHelpOptions = true, version = "simgate-agent 0.1.0",
    description = "User-space VXLAN gate peer: joins this host to a VPG's overlay through a TAP device.",
    subcommands = NodeCommand.class)
public final class Main implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "Agent config (YAML); required")
  Path config;

  @Option(names = "--node", paramLabel = "NAME", defaultValue = "${env:NODE_NAME}",
      description = "This node's entry under 'nodes:' in the cluster config shape (default: env NODE_NAME)")
  String node;

  @Option(names = "--reload-interval", paramLabel = "DURATION", defaultValue = "PT1S",
      description = "How often the config file is checked for changes (ISO-8601, default ${DEFAULT-VALUE})")
  Duration reloadInterval;

  @Option(names = "--handover-wait", paramLabel = "DURATION", defaultValue = "PT0S",
      description = "On SIGTERM, how long a successor started meanwhile may take the interface over before"
          + " everything is removed (ISO-8601, default ${DEFAULT-VALUE}; the DaemonSet sets PT10S)")
  Duration handoverWait;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (config == null) {
      System.err.println("simgate-agent: Missing required option: '--config=FILE' (or the subcommand 'node')");
      return 2;
    }
    Supervisor supervisor = new Supervisor(config, node, reloadInterval, handoverWait, new IpCommandHostNetwork());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(() -> {
      supervisor.stop();
      stopped.countDown();
    }));
    int code = supervisor.run();
    if (code != 0) {
      return code;
    }
    stopped.await();
    return 0;
  }
}
