package dev.simgate.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simgate.agent.config.Cidr;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpCommandHostNetworkTest {
  private static Cidr cidr(String text) {
    return Cidr.parseOrNull(text);
  }

  @Test
  void firstSetupUsesIdempotentVerbsOnly() {
    var desired = new InterfaceState("simgate0", cidr("10.128.255.254/9"), 1450, 44, List.of(cidr("192.0.2.0/24")));
    assertThat(IpCommandHostNetwork.convergeCommands(null, desired)).containsExactly(
        "link set dev simgate0 mtu 1450 gso_max_segs 44 up",
        "addr replace 10.128.255.254/9 dev simgate0",
        "route replace 192.0.2.0/24 dev simgate0");
  }

  @Test
  void aChangeRemovesWhatIsNoLongerWantedAndReassertsTheRest() {
    var current = new InterfaceState("simgate0", cidr("10.128.255.254/9"), 1450, 44,
        List.of(cidr("192.0.2.0/24"), cidr("203.0.113.0/24")));
    var desired = new InterfaceState("simgate0", cidr("10.128.255.253/9"), 1400, 46, List.of(cidr("203.0.113.0/24")));
    assertThat(IpCommandHostNetwork.convergeCommands(current, desired)).containsExactly(
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
  void removalDeletesRoutesThenTheAddress() {
    var state = new InterfaceState("simgate0", cidr("10.128.255.254/9"), 1450, 44, List.of(cidr("192.0.2.0/24")));
    assertThat(IpCommandHostNetwork.removeCommands(state)).containsExactly(
        "route del 192.0.2.0/24 dev simgate0", "addr del 10.128.255.254/9 dev simgate0");
  }
}
