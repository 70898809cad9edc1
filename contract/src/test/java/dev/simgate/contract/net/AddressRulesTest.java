package dev.simgate.contract.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The documented rules of {@link Ipv4} and {@link Cidr}; the operator checks the CRDs' CEL rules agree. */
class AddressRulesTest {
  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "10.0.0.1", "255.255.255.255", "100.64.152.132", "1.2.3.0"})
  void acceptsDottedQuads(String text) {
    assertThat(Ipv4.parse(text)).hasToString(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"010.0.0.1", "10.0.0.01", "10.00.0.1", "256.0.0.1", "1.2.3", "1.2.3.4.5", " 1.2.3.4",
      "1.2.3.4 ", "1.2.3.4\n", "+1.2.3.4", "1.2.3.-4", "1..3.4", "1.2.3.", "a.b.c.d", "1.2.3.4/32", "::1",
      "::ffff:1.2.3.4", "1.2.3.٤", "0x1.2.3.4", "1234.1.1.1", ""})
  void rejectsEverythingElse(String text) {
    assertThat(Ipv4.parseOrNull(text)).isNull();
    assertThatThrownBy(() -> Ipv4.parse(text)).hasMessage("not an IPv4 address: '" + text + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0/0", "10.128.0.0/9", "10.128.255.254/9", "192.0.2.1/32", "10.0.0.0/8"})
  void acceptsCidrsAndKeepsHostBits(String text) {
    assertThat(Cidr.parse(text)).hasToString(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/08", "10.0.0.0/033", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/ 8",
      "10.0.0.0 /8", "10.0.0.0/8 ", "010.0.0.0/8", "10.0.0.0", "10.0.0.0/", "/8", "10.0.0.0/8/8", "10.0.0.0/٨"})
  void rejectsOtherCidrText(String text) {
    assertThat(Cidr.parseOrNull(text)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.128.255.254/9"})
  void tellsHostBitsFromANetwork(String text) {
    Cidr address = Cidr.parse(text);
    assertThat(address.isNetwork()).isFalse();
    assertThat(address.network()).hasToString("10.128.0.0/9");
    assertThat(address.network().isNetwork()).isTrue();
    assertThat(address.contains(Ipv4.parse("10.255.0.1"))).isTrue();
    assertThat(address.contains(Ipv4.parse("10.127.0.1"))).isFalse();
  }
}
