package dev.simgate.agent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simgate.contract.net.Cidr;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForeignRoutesTest {
  /** A Flannel node, as {@code ip -4 -o route show table main} prints it. */
  private static final String FLANNEL_NODE = """
      default via 192.0.2.1 dev eth0 proto dhcp src 192.0.2.11 metric 100\s
      10.244.0.0/24 dev cni0 proto kernel scope link src 10.244.0.1\s
      10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink\s
      blackhole 10.250.0.0/16 proto bird\s
      192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.11\s
      198.51.100.7 via 192.0.2.1 dev eth0\s
      10.128.5.0/24 dev simgate0 scope link\s
      """;

  private static InterfaceState wanting(String address, String... routes) {
    return new InterfaceState("simgate0", Cidr.parse(address), 1450, 44,
        List.of(routes).stream().map(Cidr::parse).toList(), 1410, true);
  }

  @Test
  void aPrefixAnotherInterfaceRoutesIsNotTheAgentsToReplace() {
    assertThat(ForeignRoutes.in(FLANNEL_NODE, wanting("10.128.255.254/9", "10.244.1.0/24", "10.128.5.0/24")))
        .containsExactly("10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink");
    assertThat(ForeignRoutes.in(FLANNEL_NODE, wanting("10.128.255.254/9", "10.250.0.0/16", "198.51.100.7/32")))
        .containsExactly("blackhole 10.250.0.0/16 proto bird", "198.51.100.7 via 192.0.2.1 dev eth0");
  }

  @Test
  void theInterfaceAddressMayNotTakeOverAnotherInterfacesNetworkEither() {
    assertThat(ForeignRoutes.in(FLANNEL_NODE, wanting("10.244.0.9/24"))).containsExactly(
        "10.244.0.0/24 dev cni0 proto kernel scope link src 10.244.0.1");
  }

  @Test
  void routesThroughItsOwnInterfaceAndOtherPrefixesAreFine() throws IOException {
    // More and less specific prefixes are no replacement: the kernel keeps both and picks the longest match.
    InterfaceState desired = wanting("10.128.255.254/9", "10.128.5.0/24", "10.244.0.0/16", "10.128.0.0/16");
    assertThat(ForeignRoutes.in(FLANNEL_NODE, desired)).isEmpty();
    ForeignRoutes.refuse(FLANNEL_NODE, desired);
    assertThat(ForeignRoutes.in("", desired)).isEmpty();
  }

  @Test
  void theNodeAgentsRoutesForTheSamePrefixAreSimGatesOwn() throws IOException {
    String gateNode = FLANNEL_NODE + """
        10.128.5.0/24 proto 83 metric 100\s
        	nexthop via 10.128.255.253 dev sgsteer0 weight 1 onlink\s
        unreachable 10.128.5.0/24 proto 83 metric 1000\s
        10.128.255.253 dev sgsteer0 proto 83 scope link metric 100\s
        """;
    assertThat(ForeignRoutes.in(gateNode, wanting("10.128.255.254/9", "10.128.5.0/24"))).isEmpty();
    assertThat(ForeignRoutes.in(gateNode.replace("proto 83", "proto static"), wanting("10.128.255.254/9",
        "10.128.5.0/24"))).as("anyone else's").containsExactly("10.128.5.0/24 proto static metric 100",
        "unreachable 10.128.5.0/24 proto static metric 1000");
  }

  @Test
  void theRefusalNamesTheRouteAndWhatToDo() {
    assertThatThrownBy(() -> ForeignRoutes.refuse(FLANNEL_NODE, wanting("10.128.255.254/9", "0.0.0.0/0")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("default via 192.0.2.1 dev eth0")
        .hasMessageContaining("not via simgate0")
        .hasMessageContaining("never replaces a route it does not own");
  }
}
