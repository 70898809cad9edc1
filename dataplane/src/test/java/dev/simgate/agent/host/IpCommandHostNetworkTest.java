package dev.simgate.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simgate.contract.agentconfig.Settings;
import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpCommandHostNetworkTest {
  private static Cidr cidr(String text) {
    return Cidr.parseOrNull(text);
  }

  @Test
  void firstSetupUsesIdempotentVerbsOnly() {
    var desired = new InterfaceState("simgate0", cidr("10.128.255.254/9"), 1450, 44, List.of(cidr("192.0.2.0/24")), 1410, false);
    assertThat(IpCommandHostNetwork.convergeCommands(null, desired)).containsExactly(
        "link set dev simgate0 addrgenmode none alias simgate-agent",
        "link set dev simgate0 mtu 1450 gso_max_segs 44 up",
        "addr replace 10.128.255.254/9 dev simgate0",
        "route replace 192.0.2.0/24 dev simgate0");
  }

  @Test
  void aChangeRemovesWhatIsNoLongerWantedAndReassertsTheRest() {
    var current = new InterfaceState("simgate0", cidr("10.128.255.254/9"), 1450, 44,
        List.of(cidr("192.0.2.0/24"), cidr("203.0.113.0/24")), 1410, false);
    var desired = new InterfaceState("simgate0", cidr("10.128.255.253/9"), 1400, 46, List.of(cidr("203.0.113.0/24")), 1360, false);
    assertThat(IpCommandHostNetwork.convergeCommands(current, desired)).containsExactly(
        "link set dev simgate0 addrgenmode none alias simgate-agent",
        "link set dev simgate0 mtu 1400 gso_max_segs 46 up",
        "addr del 10.128.255.254/9 dev simgate0",
        "addr replace 10.128.255.253/9 dev simgate0",
        "route del 192.0.2.0/24 dev simgate0",
        "route replace 203.0.113.0/24 dev simgate0");
  }

  @Test
  void superFramesAreCappedSoEachLeavesAsOneGsoMessage() {
    // 65507 bytes of UDP payload per message; a datagram is VXLAN 8 + Ethernet 14 + the IP packet.
    assertThat(InterfaceState.gsoMaxSegments(1450)).isEqualTo(65_507 / 1472).isEqualTo(44);
    assertThat(InterfaceState.gsoMaxSegments(1500)).isEqualTo(43);
    assertThat(InterfaceState.gsoMaxSegments(9000)).isEqualTo(7);
    assertThat(InterfaceState.gsoMaxSegments(576)).as("at most 64 per message").isEqualTo(64);
  }

  @Test
  void nftablesIsOneAtomicIdempotentTablePerInterfaceWithWhatTheConfigAsks() {
    var both = new InterfaceState("gate-1.x", cidr("10.128.255.254/9"), 1450, 44, List.of(), 1410, true);
    String script = NftablesRules.script(both);
    assertThat(script).startsWith("table inet simgate_gate_1_x\ndelete table inet simgate_gate_1_x\n"
        + "table inet simgate_gate_1_x {\n");
    assertThat(script).contains("type filter hook forward priority mangle; policy accept;",
        "oifname \"gate-1.x\" tcp flags & (syn | rst) == syn tcp option maxseg size > 1410 tcp option maxseg size set 1410",
        "iifname \"gate-1.x\" tcp flags & (syn | rst) == syn tcp option maxseg size > 1410 tcp option maxseg size set 1410",
        "type nat hook postrouting priority srcnat; policy accept;",
        "oifname \"gate-1.x\" ip saddr != 10.128.255.254 snat ip to 10.128.255.254");
    assertThat(script).as("masquerade's conntrack entries go when the interface does").doesNotContain("masquerade");

    var clampOnly = new InterfaceState("simgate0", cidr("10.128.255.254/9"), 1450, 44, List.of(), 1410, false);
    assertThat(NftablesRules.script(clampOnly)).contains("clamp_mss").doesNotContain("source_nat");
    var natOnly = new InterfaceState("simgate0", cidr("10.128.255.254/9"), 1450, 44, List.of(), 0, true);
    assertThat(NftablesRules.script(natOnly)).contains("source_nat").doesNotContain("maxseg");
    var movedNat = new InterfaceState("simgate0", cidr("10.128.255.253/9"), 1450, 44, List.of(), 0, true);
    assertThat(NftablesRules.script(movedNat)).as("a new inner address, a new rule")
        .contains("ip saddr != 10.128.255.253 snat ip to 10.128.255.253").doesNotContain("10.128.255.254");
    var neither = new InterfaceState("simgate0", cidr("10.128.255.254/9"), 1450, 44, List.of(), 0, false);
    assertThat(NftablesRules.script(neither)).as("nothing asked: the table goes")
        .isEqualTo(NftablesRules.removeScript("simgate0"))
        .isEqualTo("table inet simgate_simgate0\ndelete table inet simgate_simgate0\n");
  }

  @Test
  void theKernelDropsVxlanFromNonPeersAndAdminConnectionsFromTheTunnel() {
    var filter = new KernelFilter(Ipv4.parse("198.51.100.2"), 4789,
        List.of(Ipv4.parse("198.51.100.1"), Ipv4.parse("198.51.100.3")), List.of(9464, 9465));
    var state = new InterfaceState("simgate0", cidr("10.128.255.254/9"), 1450, 44, List.of(), 0, false, filter);
    assertThat(NftablesRules.script(state)).as("a table even with neither clamp nor source NAT").contains(
        "elements = { 198.51.100.1, 198.51.100.3 }",
        "type filter hook prerouting priority raw; policy accept;",
        "ip daddr 198.51.100.2 udp dport 4789 ip saddr != @vpg_peers counter name non_peer drop",
        "iifname \"simgate0\" tcp dport { 9464, 9465 } drop")
        .doesNotContain("maxseg", "source_nat");
  }

  @Test
  void inboundDenyLetsOnlyRepliesEchoToTheInnerAddressAndExposedConnectionsOutOfTheTunnel() {
    var filter = new KernelFilter(Ipv4.parse("198.51.100.2"), 4789, List.of(Ipv4.parse("198.51.100.1")), List.of(9464));
    var deny = new InterfaceState("simgate0", cidr("10.128.255.254/9"), 1450, 44, List.of(), 0, false, filter,
        Settings.Inbound.DENY, true);
    assertThat(NftablesRules.script(deny)).contains("""
          counter inbound_to_node {
          }
          counter inbound_routed {
          }
          chain from_tunnel_to_node {
            type filter hook input priority filter; policy accept;
            iifname "simgate0" ct state established,related accept
            iifname "simgate0" ct mark & 0x00100000 == 0x00100000 accept
            iifname "simgate0" ip daddr 10.128.255.254 icmp type echo-request limit rate 10/second burst 20 packets accept
            iifname "simgate0" counter name inbound_to_node drop
          }
          chain from_tunnel_routed {
            type filter hook forward priority filter; policy accept;
            iifname "simgate0" ct state established,related accept
            iifname "simgate0" ct mark & 0x00100000 == 0x00100000 accept
            iifname "simgate0" counter name inbound_routed drop
          }
        """);
    var open = new InterfaceState("simgate0", cidr("10.128.255.254/9"), 1450, 44, List.of(), 0, false, filter,
        Settings.Inbound.OPEN, true);
    assertThat(NftablesRules.script(open)).doesNotContain("inbound", "ct state");
    var nothingElse = new InterfaceState("simgate0", cidr("10.128.255.254/9"), 1450, 44, List.of(), 0, false, null,
        Settings.Inbound.DENY, true);
    assertThat(NftablesRules.script(nothingElse)).as("deny alone keeps the table").contains("from_tunnel_to_node");
  }

  @Test
  void aDownInterfaceKeepsItsAddressAndGetsItsRoutesBackWhenUp() {
    var up = new InterfaceState("simgate0", cidr("10.128.255.254/9"), 1450, 44, List.of(cidr("192.0.2.0/24")), 1410,
        false);
    var down = up.withUp(false);
    assertThat(IpCommandHostNetwork.convergeCommands(up, down)).as("down: the kernel drops the routes").containsExactly(
        "link set dev simgate0 addrgenmode none alias simgate-agent",
        "link set dev simgate0 mtu 1450 gso_max_segs 44 down",
        "addr replace 10.128.255.254/9 dev simgate0");
    assertThat(IpCommandHostNetwork.convergeCommands(down, up)).as("up: routes made again").containsExactly(
        "link set dev simgate0 addrgenmode none alias simgate-agent",
        "link set dev simgate0 mtu 1450 gso_max_segs 44 up",
        "addr replace 10.128.255.254/9 dev simgate0",
        "route replace 192.0.2.0/24 dev simgate0");
  }

  @Test
  void removalDeletesRoutesThenTheAddress() {
    var state = new InterfaceState("simgate0", cidr("10.128.255.254/9"), 1450, 44, List.of(cidr("192.0.2.0/24")), 1410, false);
    assertThat(IpCommandHostNetwork.removeCommands(state)).containsExactly(
        "route del 192.0.2.0/24 dev simgate0", "addr del 10.128.255.254/9 dev simgate0");
  }
}
