package dev.simgate.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  private final AtomicLong now = new AtomicLong();
  private final AtomicInteger up = new AtomicInteger();
  private final AtomicBoolean answeredOnce = new AtomicBoolean();
  private final Readiness readiness = new Readiness(now::get);

  @Test
  void theTunnelIsLostOnlyWhenPeersThatAnsweredStopAnswering() {
    assertThat(readiness.tunnelLost()).as("not serving yet").isFalse();
    readiness.serving(up::get, answeredOnce::get, 2, "ARP for 10.128.0.1", Duration.ofSeconds(10));
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    assertThat(readiness.verdict().reason()).startsWith("no VPG peer answers");
    assertThat(readiness.tunnelLost()).as("never answered: the probe may be what is wrong, so fail open").isFalse();

    up.set(1);
    answeredOnce.set(true);
    assertThat(readiness.verdict().ok()).isTrue();
    assertThat(readiness.tunnelLost()).isFalse();

    up.set(0);
    assertThat(readiness.verdict().ok()).isFalse();
    assertThat(readiness.tunnelLost()).as("answered before, none now").isTrue();

    readiness.notServing("stopping");
    assertThat(readiness.tunnelLost()).as("a stopping agent changes nothing more").isFalse();
  }
}
