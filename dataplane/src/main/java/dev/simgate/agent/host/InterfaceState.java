package dev.simgate.agent.host;

import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.Settings;
import dev.simgate.contract.net.Cidr;
import dev.simgate.agent.packet.Headers;
import dev.simgate.agent.udp.UdpSegment;
import dev.simgate.agent.vxlan.VxlanHeader;
import java.util.List;

/**
 * What the host should have for the agent's interface: up, with this MTU, address and routes, and
 * TCP super-frames of at most {@code gsoMaxSegments} segments: as many VXLAN datagrams as one UDP
 * GSO message carries, so that each super-frame the TAP hands over leaves in a single message.
 * (Left at the kernel's 64 KiB, a super-frame of ~45 segments at MTU 1450 left as two, one of
 * them tiny; capping it at 44 measured +8 % node → SIM throughput.) Forwarded TCP SYNs through it
 * get their MSS clamped to {@code clampedMss}, or are left alone when it is 0, forwarded traffic
 * into it is masqueraded to the inner address when {@code masquerade}, the kernel drops what
 * {@code filter} says and, with {@code inbound} deny, what comes out of the tunnel without being a reply
 * ({@link NftablesRules}). While {@code up} is false (no VPG peer answers) the link is down: routes through it are
 * gone, so the node's own steering routes, and the nodes that steer to it, use other gate nodes.
 */
public record InterfaceState(String name, Cidr address, int mtu, int gsoMaxSegments, List<Cidr> routes,
    int clampedMss, boolean masquerade, KernelFilter filter, Settings.Inbound inbound, boolean up) {
  /** IPv4 and TCP headers without options: what an MTU carries beyond the MSS. */
  static final int TCP_IP_HEADERS = Headers.IPV4_MIN + Headers.TCP_MIN;

  public InterfaceState {
    routes = List.copyOf(routes);
    inbound = inbound == null ? Settings.Inbound.OPEN : inbound;
  }

  /** Up, the tunnel open inbound (tests of the other parts). */
  public InterfaceState(String name, Cidr address, int mtu, int gsoMaxSegments, List<Cidr> routes, int clampedMss,
      boolean masquerade, KernelFilter filter) {
    this(name, address, mtu, gsoMaxSegments, routes, clampedMss, masquerade, filter, Settings.Inbound.OPEN, true);
  }

  /** Without a kernel filter (tests of the other parts). */
  public InterfaceState(String name, Cidr address, int mtu, int gsoMaxSegments, List<Cidr> routes, int clampedMss,
      boolean masquerade) {
    this(name, address, mtu, gsoMaxSegments, routes, clampedMss, masquerade, null);
  }

  /** The same, with the link up or down. */
  public InterfaceState withUp(boolean value) {
    return new InterfaceState(name, address, mtu, gsoMaxSegments, routes, clampedMss, masquerade, filter, inbound,
        value);
  }

  public static InterfaceState of(AgentConfig config) {
    Settings settings = config.settings();
    int mtu = settings.mtu();
    List<Integer> adminPorts = settings.metricsListen() == null ? List.of(settings.admin().port())
        : List.of(settings.admin().port(), settings.metricsListen().port());
    var filter = new KernelFilter(config.node().localAddress(), settings.port(), settings.vpgPeers(), adminPorts);
    return new InterfaceState(settings.interfaceName(), config.node().interfaceAddress(), mtu, gsoMaxSegments(mtu),
        settings.routes(), settings.mssClamp() ? mtu - TCP_IP_HEADERS : 0, settings.masquerade(), filter,
        settings.inbound(), true);
  }

  /** Segments per super-frame such that every segment's datagram (VXLAN + Ethernet + IP packet) fits one message. */
  static int gsoMaxSegments(int mtu) {
    return UdpSegment.perMessage(VxlanHeader.LENGTH + Headers.ETHERNET + mtu);
  }
}
