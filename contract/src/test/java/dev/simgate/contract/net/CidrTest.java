package dev.simgate.contract.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CidrTest {
  @Test
  void parsesAndClearsHostBits() {
    Cidr cidr = Cidr.parse("10.128.3.4/9").network();
    assertThat(cidr.toString()).isEqualTo("10.128.0.0/9");
    assertThat(cidr.size()).isEqualTo(1L << 23);
    assertThat(cidr.broadcast().toString()).isEqualTo("10.255.255.255");
  }

  @Test
  void rejectsMalformedInputNamingIt() {
    for (String bad : new String[] {"10.0.0.0", "10.0.0.0/33", "10.0.0/8", "10.0.0.256/8", "010.0.0.0/8", "a/8", "10.0.0.0/", ""}) {
      assertThatThrownBy(() -> Cidr.parse(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void containmentAndOverlap() {
    Cidr subnet = Cidr.parse("10.128.0.0/9");
    assertThat(subnet.contains(Cidr.parse("10.255.255.0/24"))).isTrue();
    assertThat(subnet.contains(Cidr.parse("10.127.255.0/24"))).isFalse();
    assertThat(subnet.contains(Cidr.parse("10.0.0.0/8"))).isFalse();
    assertThat(Cidr.parse("10.0.0.0/8").overlaps(subnet)).isTrue();
    assertThat(Cidr.parse("10.1.0.0/16").overlaps(Cidr.parse("10.2.0.0/16"))).isFalse();
  }

  @Test
  void hostRangeSkipsNetworkAndBroadcastExceptOnPointToPointPrefixes() {
    Cidr p30 = Cidr.parse("192.0.2.0/30");
    assertThat(p30.firstHost().toString()).isEqualTo("192.0.2.1");
    assertThat(p30.lastHost().toString()).isEqualTo("192.0.2.2");
    Cidr p31 = Cidr.parse("192.0.2.0/31");
    assertThat(p31.firstHost().toString()).isEqualTo("192.0.2.0");
    assertThat(p31.lastHost().toString()).isEqualTo("192.0.2.1");
    Cidr high = Cidr.parse("255.255.255.0/24");
    assertThat(high.isHost(Ipv4.parse("255.255.255.254"))).isTrue();
    assertThat(high.isHost(Ipv4.parse("255.255.255.255"))).isFalse();
  }
}
