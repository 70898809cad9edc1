package dev.simgate.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ViewCacheTest {
  private final ViewCache<Integer> views = new ViewCache<>();
  private final AtomicInteger made = new AtomicInteger();

  @Test
  void madeOnceUntilAChangeThenAgainOnlyAfterTheInterval() throws Exception {
    assertThat(views.get(made::incrementAndGet)).isEqualTo(1);
    assertThat(views.get(made::incrementAndGet)).as("no change: the same view").isEqualTo(1);
    views.changed();
    assertThat(views.get(made::incrementAndGet)).as("stale and younger than the interval: come back").isNull();
    Thread.sleep(ViewCache.INTERVAL.toMillis() + 20);
    assertThat(views.get(made::incrementAndGet)).isEqualTo(2);
    assertThat(views.get(made::incrementAndGet)).isEqualTo(2);
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aReconcileNeverWaitsForAnotherMakingTheView() throws Exception {
    CountDownLatch making = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread maker = Thread.ofPlatform().start(() -> views.get(() -> {
      making.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return made.incrementAndGet();
    }));
    making.await();
    assertThat(views.get(made::incrementAndGet)).as("the first view is being made elsewhere").isNull();
    release.countDown();
    maker.join();
    assertThat(views.get(made::incrementAndGet)).isEqualTo(1);
  }
}
