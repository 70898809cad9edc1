package dev.simgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleRunsTest {

  @Test
  void processesOfADeadOwnersWorkDirAreStoppedAndTheDirRemovedWhileLiveOwnersAreKept(@TempDir Path tmp)
      throws Exception {
    Path mine = StaleRuns.createWorkDir(tmp);
    Path orphaned = Files.createDirectory(tmp.resolve(StaleRuns.PREFIX + "orphaned"));
    Process deadOwner = new ProcessBuilder("true").start();
    deadOwner.waitFor();
    Files.writeString(orphaned.resolve("owner"), deadOwner.pid() + " -");
    Process leftBehind = startSleeper(orphaned);
    Process stillOwned = startSleeper(mine);
    try {
      StaleRuns.reap(tmp);

      assertThat(leftBehind.waitFor(10, TimeUnit.SECONDS)).as("left-behind process stopped").isTrue();
      assertThat(orphaned).doesNotExist();
      assertThat(stillOwned.isAlive()).isTrue();
      assertThat(mine).isDirectory();
    } finally {
      leftBehind.destroyForcibly();
      stillOwned.destroyForcibly();
    }
  }

  /** A long-running process whose command line names a file in {@code dir}, as control-plane components do. */
  private static Process startSleeper(Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("data"), "");
    return new ProcessBuilder("tail", "-f", file.toString()).start();
  }
}
