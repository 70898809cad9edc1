package dev.simgate.operator.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class WriteRateTest {
  private final AtomicLong now = new AtomicLong();
  private static final long SECOND = 1_000_000_000L;

  @Test
  void theBurstGoesAtOnceThenWritersQueueAtTheRate() {
    WriteRate rate = new WriteRate(10, 3, now::get);
    assertThat(rate.reserve()).isZero();
    assertThat(rate.reserve()).isZero();
    assertThat(rate.reserve()).isZero();
    // The fourth, fifth and sixth writer get the next slots, 100 ms apart.
    assertThat(rate.reserve()).isEqualTo(SECOND / 10);
    assertThat(rate.reserve()).isEqualTo(2 * SECOND / 10);
    assertThat(rate.reserve()).isEqualTo(3 * SECOND / 10);
  }

  @Test
  void idleTimeRefillsTheBurstButNoMore() {
    WriteRate rate = new WriteRate(10, 2, now::get);
    rate.reserve();
    rate.reserve();
    now.addAndGet(10 * SECOND);
    assertThat(rate.reserve()).isZero();
    assertThat(rate.reserve()).isZero();
    assertThat(rate.reserve()).isEqualTo(SECOND / 10);
  }

  @Test
  void aRateOrBurstThatAllowsNothingIsRefused() {
    assertThatThrownBy(() -> new WriteRate(0, 10)).hasMessageContaining("positive");
    assertThatThrownBy(() -> new WriteRate(5, 0)).hasMessageContaining("burst at least 1");
  }

  @Test
  void writesAreCountedByResourceWithBoundedNames() {
    assertThat(WriteRateInterceptor.resource(URI.create("https://api:6443/api/v1/namespaces/factory/services")))
        .isEqualTo("services");
    assertThat(WriteRateInterceptor.resource(URI.create(
        "https://api/apis/discovery.k8s.io/v1/namespaces/factory/endpointslices/sims.0"))).isEqualTo("endpointslices");
    assertThat(WriteRateInterceptor.resource(URI.create(
        "https://api/apis/simgate.dev/v1alpha1/namespaces/factory/devicesubnets/sims/status")))
        .isEqualTo("devicesubnets/status");
    assertThat(WriteRateInterceptor.resource(URI.create("https://api/apis/simgate.dev/v1alpha1/gatepeers/gp/status")))
        .isEqualTo("gatepeers/status");
    assertThat(WriteRateInterceptor.resource(URI.create("https://api/api/v1/namespaces/x"))).isEqualTo("other");
    assertThat(WriteRateInterceptor.resource(URI.create("https://api/apis/example.com/v1/widgets/w"))).isEqualTo("other");
  }
}
