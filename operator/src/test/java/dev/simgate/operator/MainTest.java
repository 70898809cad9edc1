package dev.simgate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.api.v1alpha1.OuterAddress;
import dev.simgate.operator.policy.PolicySettings;

class MainTest {
  @Test
  void resyncIntervalsReadAsAPersonWritesThem() {
    assertThat(Main.duration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Main.duration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Main.duration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Main.duration("PT90S")).isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(() -> Main.duration("5 minutes")).hasMessageContaining("--resync-interval: '5 minutes'");
  }

  @Test
  void clusterCidrsAreIpv4NetworksAndABadOneIsNamed() {
    assertThat(Main.cidrs(" 10.233.0.0/18, 10.233.64.1/18 ,")).extracting(Object::toString)
        .containsExactly("10.233.0.0/18", "10.233.64.0/18");
    assertThat(Main.cidrs(null)).isEmpty();
    assertThatThrownBy(() -> Main.cidrs("10.233.0.0/18,fd00::/64")).hasMessageContaining("'fd00::/64'");
  }

  @Test
  void steeringSettingsAreCheckedAndABadOneIsNamed() {
    assertThat(Main.steeringPool(" 198.18.0.0/16 ").toString()).isEqualTo("198.18.0.0/16");
    assertThatThrownBy(() -> Main.steeringPool("198.18.0.0")).hasMessageContaining("--steering-pool: '198.18.0.0'");
    assertThat(Main.underlay("ExternalIP").source).isEqualTo(OuterAddress.Source.ExternalIP);
    assertThat(Main.underlay("annotation:example.com/underlay").annotation).isEqualTo("example.com/underlay");
    assertThatThrownBy(() -> Main.underlay("Hostname")).hasMessageContaining("--node-underlay-address: 'Hostname'");
    assertThatThrownBy(() -> new PolicySettings(Cidr.parse("198.18.0.1/16"), 5347, 8479, 1450, new OuterAddress()))
        .hasMessageContaining("steering pool: 198.18.0.1/16");
    assertThatThrownBy(() -> new PolicySettings(Cidr.parse("198.18.0.0/16"), 5347, 4789, 1450, new OuterAddress()))
        .hasMessageContaining("steering port: 4789");
    assertThatThrownBy(() -> new PolicySettings(Cidr.parse("198.18.0.0/16"), 0, 8479, 1450, new OuterAddress()))
        .hasMessageContaining("steering VNI: 0");
  }
}
