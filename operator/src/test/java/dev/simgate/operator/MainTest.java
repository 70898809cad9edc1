package dev.simgate.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

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
}
