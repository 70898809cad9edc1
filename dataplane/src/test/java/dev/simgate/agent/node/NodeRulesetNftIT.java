package dev.simgate.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every golden table of {@link NodeRulesetTest} is what nftables takes: loaded whole (the first apply after a start)
 * and as an update of another (flush and declare again, counters kept), each in a network namespace of its own
 * ({@code unshare --net}, as root), so the machine's own tables are never touched.
 */
class NodeRulesetNftIT {
  @Test
  void everyGoldenTableLoadsWholeAndAsAnUpdate() throws Exception {
    List<Path> tables;
    try (Stream<Path> files = Files.list(NodeRulesetTest.GOLDEN)) {
      tables = files.filter(f -> f.toString().endsWith(".nft")).sorted().toList();
    }
    assertThat(tables).hasSizeGreaterThanOrEqualTo(4);
    for (Path table : tables) {
      String text = Files.readString(table);
      assertThat(nft(NodeRuleset.replaceScript(text))).as("%s loaded whole", table).isEqualTo("");
      for (Path other : tables) {
        assertThat(nft(NodeRuleset.replaceScript(Files.readString(other)), NodeRuleset.updateScript(text)))
            .as("%s as an update of %s", table, other).isEqualTo("");
      }
    }
  }

  /**
   * Runs each script with {@code nft -f} (one transaction each, one after the other) in a new network namespace;
   * returns what nft said when one failed.
   */
  private static String nft(String... scripts) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("nft-");
    try {
      StringBuilder shell = new StringBuilder("set -e");
      for (int i = 0; i < scripts.length; i++) {
        Path file = dir.resolve(i + ".nft");
        Files.writeString(file, scripts[i]);
        shell.append("; nft -f ").append(file);
      }
      Process process = new ProcessBuilder("unshare", "--net", "sh", "-c", shell.toString()).redirectErrorStream(true)
          .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return process.exitValue() == 0 ? "" : "exit " + process.exitValue() + ": " + output;
    } finally {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(dir);
    }
  }
}
