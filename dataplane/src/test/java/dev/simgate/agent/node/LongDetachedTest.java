package dev.simgate.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LongDetachedTest {
  private static final long MINUTE = Duration.ofMinutes(1).toNanos();
  private final LongDetached detached = new LongDetached(Duration.ofMinutes(10));

  @Test
  void anInterfaceIsDueOnceDetachedAsTheSameOneForTheLimit() {
    assertThat(detached.due(Map.of("simgate0", "7/2"), 0)).isEmpty();
    assertThat(detached.due(Map.of("simgate0", "7/2"), 9 * MINUTE)).isEmpty();
    assertThat(detached.due(Map.of("simgate0", "7/2", "simgate1", "8/2"), 10 * MINUTE)).containsExactly("simgate0");
    assertThat(detached.due(Map.of("simgate0", "7/2"), 11 * MINUTE)).as("once; not removed: later again").isEmpty();
    assertThat(detached.due(Map.of("simgate0", "7/2"), 20 * MINUTE)).containsExactly("simgate0");
  }

  @Test
  void anAgentThatHeldItMeanwhileOrAHeldOneStartsTheClockAgain() {
    detached.due(Map.of("simgate0", "7/2", "simgate1", "8/2"), 0);
    // simgate0: an agent attached and detached again between two looks (two more carrier changes); simgate1: held.
    detached.due(Map.of("simgate0", "7/4"), 5 * MINUTE);
    assertThat(detached.due(Map.of("simgate0", "7/4", "simgate1", "8/4"), 11 * MINUTE)).isEmpty();
    assertThat(detached.due(Map.of("simgate0", "7/4", "simgate1", "8/4"), 15 * MINUTE)).containsExactly("simgate0");
    assertThat(detached.due(Map.of("simgate0", "9/2", "simgate1", "8/4"), 21 * MINUTE)).as("made again")
        .containsExactly("simgate1");
  }
}
