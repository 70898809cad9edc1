package dev.simgate.lab;

import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.NodeAddresses;
import dev.simgate.contract.agentconfig.Settings;
import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.testkit.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A running instance of {@code e2e/lab/lab.sh}: network namespaces with a unique prefix and a work
 * directory for the files tests make in it (configs, logs, transfers), all removed by
 * {@link #close()} and, should the JVM die first, by a shutdown hook.
 *
 * <p>Roles: {@code node} (runs the agent), {@code node2} (a second gate node, {@link Options#withGates}),
 * {@code plain} (a node without a gate agent, with {@code pod1} and {@code pod2} behind it, {@link Options#withPlain}),
 * {@code vpg1}/{@code vpg2} (kernel VXLAN VPG peers),
 * {@code sim1}/{@code sim2} (SIMs behind them), {@code sim3} (behind both, {@link Options#withHa()}), {@code spoofer} (VXLAN from a non-peer),
 * {@code ul} (the underlay bridge). Addresses are in {@link #SIM1} etc.
 */
public final class Lab implements AutoCloseable {
  public static final String NODE_OUTER = "198.51.100.2";
  public static final String VPG1_OUTER = "198.51.100.1";
  public static final String VPG2_OUTER = "198.51.100.3";
  public static final String NODE_INNER = "10.128.255.254";
  /** The node's addresses in the agent config: inner address with the device subnet's prefix (10.128.0.0/9). */
  public static final NodeAddresses NODE = new NodeAddresses(Ipv4.parse(NODE_OUTER), Cidr.parse(NODE_INNER + "/9"));
  public static final String SIM1 = "10.128.1.1";
  public static final String SIM2 = "10.128.2.1";
  /** The SIM behind both VPG peers ({@link Options#withHa()}). */
  public static final String SIM3 = "10.128.3.1";
  /** What every VPG peer answers ARP for: the agent's default probe address (the device subnet's first host). */
  public static final String VPG_SHARED = "10.128.0.1";
  /** The server behind the node ({@link Options#server}). */
  public static final String SERVER = "192.168.50.2";
  /** The second gate node ({@link Options#withGates}). */
  public static final String NODE2_OUTER = "198.51.100.4";
  public static final String NODE2_INNER = "10.128.255.253";
  public static final NodeAddresses NODE2 = new NodeAddresses(Ipv4.parse(NODE2_OUTER), Cidr.parse(NODE2_INNER + "/9"));
  /** The node without a gate agent and its pods ({@link Options#withPlain}). */
  public static final String PLAIN_OUTER = "198.51.100.10";
  public static final String POD1 = "10.88.1.2";
  public static final String POD2 = "10.88.1.3";
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

  private final Path script;
  private final String prefix;
  private final int vpgs;
  private final Path workDir;
  private final Thread cleanup;
  private boolean closed;

  /**
   * What to build.
   *
   * @param server a server network behind the node ({@link #SERVER}), forwarded to and from the SIMs
   * @param simMtu the SIMs' link MTU
   */
  public record Options(int vpgs, boolean spoofer, boolean kernelNode, boolean server, int simMtu,
      String underlay, List<String> gatePeers, boolean ha, int gates, boolean plain) {
    public Options {
      gatePeers = List.copyOf(gatePeers);
    }

    public static Options agent(int vpgs) {
      return new Options(vpgs, false, false, false, 1450, null, List.of(), false, 1, false);
    }

    /** Two gate nodes ({@code node} and {@code node2}) that the VPGs flood to, or one. */
    public Options withGates(int count) {
      return new Options(vpgs, spoofer, kernelNode, server, simMtu, underlay, gatePeers, ha, count, plain);
    }

    /** A node without a gate agent ({@code plain}) with two pods behind it ({@link #POD1}, {@link #POD2}). */
    public Options withPlain() {
      return new Options(vpgs, spoofer, kernelNode, server, simMtu, underlay, gatePeers, ha, gates, true);
    }

    public Options withSpoofer() {
      return new Options(vpgs, true, kernelNode, server, simMtu, underlay, gatePeers, ha, gates, plain);
    }

    /** Adds the server network, and gives the SIMs MTU 1500 as cellular devices commonly have. */
    public Options withServerAndDeviceMtu() {
      return new Options(vpgs, spoofer, kernelNode, true, 1500, underlay, gatePeers, ha, gates, plain);
    }

    /**
     * VPGs (and SIMs) only, joined to an existing underlay bridge (e.g. a test cluster's node network) instead of the
     * lab's own, flooding to each of {@code gatePeers} (outer addresses) as a VPG does to its registered gate peers.
     */
    public Options onUnderlay(String netns, String bridge, List<String> gatePeers) {
      return new Options(vpgs, spoofer, kernelNode, server, simMtu, netns + "/" + bridge, gatePeers, ha, gates, plain);
    }

    /**
     * The two VPG peers act as one VPG (one MAC, a core link between them) and {@link #SIM3} hangs off both, so that
     * traffic to it can fail over when one peer goes down ({@link Lab#peer}). Needs two VPGs.
     */
    public Options withHa() {
      return new Options(2, spoofer, kernelNode, server, simMtu, underlay, gatePeers, true, gates, plain);
    }
  }

  /** What a command run in a namespace printed: {@code output} on stdout, {@code errors} on stderr. */
  public record Result(int exitCode, String output, String errors) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** Both outputs, for error messages. */
    String printed() {
      return errors.isBlank() ? output : output + errors;
    }
  }

  private Lab(Path script, String prefix, int vpgs) throws IOException {
    this.script = script;
    this.prefix = prefix;
    this.vpgs = vpgs;
    this.workDir = Files.createTempDirectory("simgate-lab-" + prefix + "-");
    this.cleanup = Thread.ofPlatform().unstarted(this::down);
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  /** Builds a lab; fails (with the reason) if not root or if lab.sh fails. */
  public static Lab up(Options options) throws IOException {
    requireRoot();
    Path script = script();
    String prefix = "sg" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    List<String> argv = new ArrayList<>(List.of("bash", script.toString(), "up", prefix, "--vpgs", "" + options.vpgs()));
    if (options.spoofer()) {
      argv.add("--spoofer");
    }
    if (options.kernelNode()) {
      argv.addAll(List.of("--node-vxlan", "kernel"));
    }
    if (options.server()) {
      argv.add("--server");
    }
    if (options.ha()) {
      argv.add("--ha");
    }
    if (options.gates() != 1) {
      argv.addAll(List.of("--gates", "" + options.gates()));
    }
    if (options.plain()) {
      argv.add("--plain");
    }
    argv.addAll(List.of("--sim-mtu", "" + options.simMtu()));
    if (options.underlay() != null) {
      argv.addAll(List.of("--underlay", options.underlay(), "--gate-peers", String.join(",", options.gatePeers())));
    }
    Lab lab = new Lab(script, prefix, options.vpgs());
    Result result = execute(argv);
    if (!result.ok()) {
      lab.close();
      throw new IOException("lab.sh up failed (exit " + result.exitCode() + "): " + result.printed());
    }
    return lab;
  }

  public static void requireRoot() throws IOException {
    Result id = execute(List.of("id", "-u"));
    if (!id.output().strip().equals("0")) {
      throw new IllegalStateException("the SimGate lab needs root (network namespaces, TAP devices); "
          + "run the tests as root, as CI does (uid is " + id.output().strip() + ")");
    }
  }

  static Path script() {
    String configured = System.getProperty("simgate.lab.script");
    Path script = configured != null ? Path.of(configured) : Path.of("e2e/lab/lab.sh");
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException("lab.sh not found at " + script.toAbsolutePath()
          + " (set -Dsimgate.lab.script=/path/to/e2e/lab/lab.sh)");
    }
    return script.toAbsolutePath().normalize();
  }

  public String prefix() {
    return prefix;
  }

  /** Where to put files that live as long as the lab; removed with it. */
  public Path workDir() {
    return workDir;
  }

  /** The namespace name of {@code role}. */
  public String namespace(String role) {
    return prefix + "-" + role;
  }

  /** The agent config (standalone shape) for this lab's node: what {@code lab.sh agent-config} prints for humans. */
  public AgentConfig agentConfig() {
    return agentConfig(vpgs);
  }

  /** The agent config for a lab of {@code vpgs} VPG peers; the defaults but for the peers and the node's addresses. */
  public static AgentConfig agentConfig(int vpgs) {
    List<Ipv4> peers = vpgs == 1 ? List.of(Ipv4.parse(VPG1_OUTER)) : List.of(Ipv4.parse(VPG1_OUTER), Ipv4.parse(VPG2_OUTER));
    return new AgentConfig(Settings.defaults(peers), NODE);
  }

  /** VPG peer {@code number} (1 or 2) fails, every link of it down, or comes back ({@code up}). */
  public void peer(int number, boolean up) throws IOException {
    Result result = execute(List.of("bash", script.toString(), "peer", prefix, "" + number, up ? "up" : "down"));
    if (!result.ok()) {
      throw new IOException("lab.sh peer " + number + " failed: " + result.printed());
    }
  }

  /** Runs a command in a namespace and waits for it. */
  public Result exec(String role, String... command) throws IOException {
    return execute(inNamespace(role, command));
  }

  /** Like {@link #exec} but fails unless the command succeeds. */
  public String run(String role, String... command) throws IOException {
    Result result = exec(role, command);
    if (!result.ok()) {
      throw new IOException(String.join(" ", command) + " in " + role + " failed (exit " + result.exitCode()
          + "): " + result.printed());
    }
    return result.output();
  }

  /** Starts a long-running command in a namespace, output to {@code log}. */
  public Process start(String role, Path log, String... command) throws IOException {
    return start(role, log, Map.of(), command);
  }

  /** Starts a long-running command in a namespace with more environment ({@code env}), output to {@code log}. */
  public Process start(String role, Path log, Map<String, String> env, String... command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(inNamespace(role, command)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    return builder.start();
  }

  private List<String> inNamespace(String role, String... command) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace(role)));
    argv.addAll(List.of(command));
    return argv;
  }

  static Result execute(List<String> argv) throws IOException {
    try {
      Command command = Command.run(argv, Map.of(), null, COMMAND_TIMEOUT);
      return new Result(command.exitCode(), command.stdout(), command.stderr());
    } catch (RuntimeException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private void down() {
    try {
      execute(List.of("bash", script.toString(), "down", prefix));
    } catch (IOException e) {
      System.err.println("lab " + prefix + ": cleanup failed: " + e.getMessage());
    }
    // After the namespaces: what ran in them (agents, socat, iperf3) wrote here.
    try (Stream<Path> files = Files.walk(workDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException e) {
      System.err.println("lab " + prefix + ": cannot remove " + workDir + ": " + e.getMessage());
    }
  }

  /** Removes every namespace of this lab (and kills what still runs in them). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    down();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: it does the same
    }
  }
}
