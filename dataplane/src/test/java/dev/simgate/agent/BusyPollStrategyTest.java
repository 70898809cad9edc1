package dev.simgate.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.SelectStrategy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BusyPollStrategyTest {
  private long now;
  private int ready;
  private int polls;

  private int strategy(BusyPollStrategy strategy, boolean hasTasks) throws Exception {
    return strategy.calculateStrategy(() -> {
      polls++;
      return ready;
    }, hasTasks);
  }

  @Test
  void withoutAWindowItBlocksAsSoonAsNothingIsReady() throws Exception {
    var strategy = new BusyPollStrategy(Duration.ZERO, () -> now);
    assertThat(strategy(strategy, false)).isEqualTo(SelectStrategy.SELECT);
    assertThat(polls).as("no needless epoll_wait(0)").isZero();
    ready = 3;
    assertThat(strategy(strategy, true)).as("tasks pending: poll, do not block").isEqualTo(3);
  }

  @Test
  void withAWindowItPollsUntilTheWindowAfterTheLastEventHasPassed() throws Exception {
    var strategy = new BusyPollStrategy(Duration.ofNanos(1000), () -> now);
    now = 10_000;
    ready = 2;
    assertThat(strategy(strategy, false)).isEqualTo(2);
    ready = 0;
    now = 10_999;
    assertThat(strategy(strategy, false)).as("inside the window: poll again").isZero();
    now = 11_000;
    assertThat(strategy(strategy, false)).as("window over: sleep").isEqualTo(SelectStrategy.SELECT);
    assertThat(strategy(strategy, true)).as("tasks pending: never sleep").isZero();

    strategy.window(Duration.ofNanos(5000)); // a config reload widens it
    assertThat(strategy(strategy, false)).isZero();
    strategy.window(Duration.ZERO);
    assertThat(strategy(strategy, false)).isEqualTo(SelectStrategy.SELECT);
  }
}
