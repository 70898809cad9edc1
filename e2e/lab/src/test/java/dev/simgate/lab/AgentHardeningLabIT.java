package dev.simgate.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What a local user or a hostile sender can do to the agent's VXLAN side (issue 11, items 2, 3 and 5): share its
 * port, flood its event loop from a non-peer address, or push IPv6 (router advertisements) and other EtherTypes
 * through the tunnel into the host.
 */
class AgentHardeningLabIT {
  private static final String KERNEL = "simgate_dropped_packets_total{reason=\"unknown_peer_kernel\"}";
  private static final String USER_SPACE = "simgate_dropped_packets_total{reason=\"unknown_peer\"}";
  private static final String ETHERTYPE = "simgate_dropped_packets_total{reason=\"unsupported_ethertype\"}";

  /** Binds the VXLAN port as an unprivileged user, with each reuse option, on the node's address and on any. */
  private static final String BIND_AS_ANYONE = """
      import socket
      for address in ("198.51.100.2", "0.0.0.0"):
          for option in (None, socket.SO_REUSEADDR, socket.SO_REUSEPORT):
              s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
              if option is not None:
                  s.setsockopt(socket.SOL_SOCKET, option, 1)
              try:
                  s.bind((address, 4789))
                  print("bound", address, option)
              except OSError as e:
                  print("refused", address, option, e.errno)
              s.close()
      """;

  @Test
  void noOtherProcessCanBindTheVxlanPortWhileTheAgentRuns() throws IOException {
    try (AgentInLab env = AgentInLab.start(Lab.Options.agent(1))) {
      String result = env.lab().run("node", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
          "/usr/bin/python3", "-c", BIND_AS_ANYONE);
      assertThat(result).doesNotContain("bound").contains("refused 198.51.100.2 2 98", "refused 198.51.100.2 15 98",
          "refused 0.0.0.0 2 98");
      assertThat(env.traffic().ping("node", Lab.SIM1, 2)).isTrue();
    }
  }

  @Test
  void vxlanFromNonPeersIsDroppedInTheKernelFirstAndByTheAgentIfItGetsThrough() throws IOException {
    try (AgentInLab env = AgentInLab.start(Lab.Options.agent(1).withSpoofer())) {
      AgentProcess agent = env.agent();
      double userSpace = agent.metric(USER_SPACE);
      // A kernel VTEP with the right VNI on a non-peer address.
      assertThat(env.traffic().ping("spoofer", Lab.NODE_INNER, 3)).isFalse();
      assertThat(agent.metric(KERNEL)).as("dropped before the socket").isGreaterThanOrEqualTo(3);
      assertThat(agent.metric(USER_SPACE)).as("the event loop never saw them").isEqualTo(userSpace);
      assertThat(env.lab().run("node", "ip", "neigh", "show", "10.128.9.9")).isBlank();

      // Without the first lock (as if the rule were lost), the second one holds.
      env.lab().run("node", "nft", "flush", "chain", "inet", "simgate_simgate0", "vxlan_door");
      env.lab().run("spoofer", "ip", "neigh", "flush", "all"); // ask again at once, not after the failure's hold-down
      assertThat(env.traffic().ping("spoofer", Lab.NODE_INNER, 3)).isFalse();
      assertThat(agent.metric(USER_SPACE) - userSpace).isGreaterThanOrEqualTo(3);
      assertThat(env.lab().run("node", "ip", "neigh", "show", "10.128.9.9")).isBlank();
    }
  }

  /** Asks the running agent for its descriptors like a successor, trying to prove CAP_NET_ADMIN with `ip`. */
  private static final String TAKE_OVER = """
      import socket, subprocess
      s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
      s.connect("\\0simgate-agent/simgate0")
      s.send(b"simgate-handover/1 simgate0")
      challenge = s.recv(512).decode()
      nonce = challenge.split(" ", 1)[1]
      tried = subprocess.run(["ip", "link", "set", "dev", "simgate0", "alias", "simgate-handover-" + nonce],
                             capture_output=True)
      s.send(b"proved")
      msg, fds, flags, address = socket.recv_fds(s, 512, 4)
      print("alias", tried.returncode, "answer", msg.decode(), "fds", len(fds))
      """;

  @Test
  void onlyAProcessWithNetAdminCanTakeTheInterfaceOver() throws IOException {
    try (AgentInLab env = AgentInLab.start(Lab.Options.agent(1))) {
      String asRootWithoutNetAdmin = env.lab().run("node", "setpriv", "--bounding-set=-net_admin",
          "--inh-caps=-net_admin", "/usr/bin/python3", "-c", TAKE_OVER);
      assertThat(asRootWithoutNetAdmin).contains("alias 2 answer refuse").contains("fds 0");
      String asNobody = env.lab().run("node", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
          "/usr/bin/python3", "-c", TAKE_OVER);
      assertThat(asNobody).contains("answer refuse").contains("fds 0");
      assertThat(env.agent().readyz()).startsWith("200");
      assertThat(env.traffic().ping("node", Lab.SIM1, 2)).as("still forwarding").isTrue();
    }
  }

  @Test
  void onlyIpv4AndArpFromTheTunnelReachTheHostWhichHasNoIpv6OnTheInterface() throws Exception {
    try (Lab lab = Lab.up(Lab.Options.agent(1))) {
      // A node with IPv6 on: today's kernels put a link-local address on every new link and take router
      // advertisements from it.
      lab.run("node", "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0", "net.ipv6.conf.default.disable_ipv6=0");
      try (AgentProcess agent = AgentProcess.start(lab, lab.agentConfig())) {
        assertThat(lab.run("node", "ip", "-d", "link", "show", "dev", "simgate0")).contains("addrgenmode none");
        double before = agent.metric(ETHERTYPE);
        lab.run("vpg1", "python3", "-c", RouterAdvertisement.SENDER, Lab.NODE_OUTER);
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.metric(ETHERTYPE) - before >= 3);
        assertThat(lab.run("node", "ip", "-6", "addr", "show", "dev", "simgate0")).as("no IPv6 address").isBlank();
        assertThat(lab.run("node", "ip", "-6", "route", "show", "dev", "simgate0")).as("no IPv6 route").isBlank();
        assertThat(new Traffic(lab).ping("node", Lab.SIM1, 2)).as("IPv4 passes").isTrue();
      }
    }
  }
}
