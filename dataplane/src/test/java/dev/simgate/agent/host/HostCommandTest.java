package dev.simgate.agent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostCommandTest {
  private final HostCommand command = new HostCommand(Duration.ofMillis(1500));

  private static List<String> sh(String script) {
    return List.of("sh", "-c", script);
  }

  @Test
  void feedsInputAndKeepsTheTwoOutputsApart() throws IOException {
    var result = command.run(sh("cat; echo oops >&2; exit 3"), "link set dev x up\n");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stdout()).isEqualTo("link set dev x up\n");
    assertThat(result.stderr()).isEqualTo("oops\n");
    assertThat(result.failure("ip -batch", " [commands: x]"))
        .hasMessage("ip -batch failed (exit 3): oops [commands: x]");
  }

  @Test
  void moreOutputThanAPipeHoldsOnBothStreamsDoesNotStallIt() throws IOException {
    // Writing all of stderr before any stdout is read would block forever with a sequential reader.
    var result = command.run(sh("head -c 300000 /dev/zero >&2; head -c 300000 /dev/zero"), "");
    assertThat(result.ok()).isTrue();
    assertThat(result.stderr()).hasSize(300_000);
    assertThat(result.stdout()).hasSize(300_000);
  }

  @Test
  void aHungCommandIsKilledWhenTheTimeIsUp() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> command.run(sh("sleep 30"), "")).isInstanceOf(IOException.class)
        .hasMessageContaining("did not finish within 1500 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void outputHeldOpenByALeftoverChildDoesNotHoldTheCaller() throws IOException {
    // The shell exits at once, but its background child keeps stdout open for 5 s.
    long start = System.nanoTime();
    assertThat(command.run(sh("sleep 5 & echo started"), "").stdout()).isEqualTo("started\n");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void aCommandThatReadsNoInputStillFinishes() throws IOException {
    var result = command.run(sh("exit 0"), "x".repeat(1 << 20));
    assertThat(result.ok()).isTrue();
  }
}
