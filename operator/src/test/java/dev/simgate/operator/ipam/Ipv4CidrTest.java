package dev.simgate.operator.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Ipv4CidrTest {
  @Test
  void parsesAndClearsHostBits() {
    Ipv4Cidr cidr = Ipv4Cidr.parse("10.128.3.4/9");
    assertThat(cidr.toString()).isEqualTo("10.128.0.0/9");
    assertThat(cidr.size()).isEqualTo(1L << 23);
    assertThat(Ipv4.format(cidr.broadcast())).isEqualTo("10.255.255.255");
  }

  @Test
  void rejectsMalformedInputNamingIt() {
    for (String bad : new String[] {"10.0.0.0", "10.0.0.0/33", "10.0.0/8", "10.0.0.256/8", "010.0.0.0/8", "a/8", "10.0.0.0/", ""}) {
      assertThatThrownBy(() -> Ipv4Cidr.parse(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void containmentAndOverlap() {
    Ipv4Cidr subnet = Ipv4Cidr.parse("10.128.0.0/9");
    assertThat(subnet.contains(Ipv4Cidr.parse("10.255.255.0/24"))).isTrue();
    assertThat(subnet.contains(Ipv4Cidr.parse("10.127.255.0/24"))).isFalse();
    assertThat(subnet.contains(Ipv4Cidr.parse("10.0.0.0/8"))).isFalse();
    assertThat(Ipv4Cidr.parse("10.0.0.0/8").overlaps(subnet)).isTrue();
    assertThat(Ipv4Cidr.parse("10.1.0.0/16").overlaps(Ipv4Cidr.parse("10.2.0.0/16"))).isFalse();
  }

  @Test
  void hostRangeSkipsNetworkAndBroadcastExceptOnPointToPointPrefixes() {
    Ipv4Cidr p30 = Ipv4Cidr.parse("192.0.2.0/30");
    assertThat(Ipv4.format(p30.firstHost())).isEqualTo("192.0.2.1");
    assertThat(Ipv4.format(p30.lastHost())).isEqualTo("192.0.2.2");
    Ipv4Cidr p31 = Ipv4Cidr.parse("192.0.2.0/31");
    assertThat(Ipv4.format(p31.firstHost())).isEqualTo("192.0.2.0");
    assertThat(Ipv4.format(p31.lastHost())).isEqualTo("192.0.2.1");
    Ipv4Cidr high = Ipv4Cidr.parse("255.255.255.0/24");
    assertThat(high.isHost(Ipv4.parse("255.255.255.254"))).isTrue();
    assertThat(high.isHost(Ipv4.parse("255.255.255.255"))).isFalse();
  }
}
