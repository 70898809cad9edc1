package dev.simgate.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One control-plane process whose output goes to {@code <logDir>/<name>.log}; closing it stops it and its children. */
final class ManagedProcess implements AutoCloseable {

  private static final int TAIL_BYTES = 16 * 1024;

  private final String name;
  private final Process process;
  private final Path log;

  private ManagedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static ManagedProcess start(String name, List<String> command, Path logDir) throws IOException {
    return start(name, command, logDir, Map.of());
  }

  /** @param env variables added to this JVM's environment */
  static ManagedProcess start(String name, List<String> command, Path logDir, Map<String, String> env)
      throws IOException {
    Path log = logDir.resolve(name + ".log");
    Files.writeString(log, "# " + String.join(" ", command) + System.lineSeparator());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    Process process =
        builder
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    return new ManagedProcess(name, process, log);
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** A short description of a process that has exited, for error messages. */
  String exitDescription() {
    return name + " exited with code " + process.exitValue();
  }

  /** The last {@code lines} lines of the log (read from its last 16 KiB). */
  String tail(int lines) {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(0, file.length() - TAIL_BYTES);
      byte[] bytes = new byte[(int) (file.length() - start)];
      file.seek(start);
      file.readFully(bytes);
      List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** The last {@code lines} lines of every process's log, each under a header naming the full log file. */
  static String tails(List<ManagedProcess> processes, int lines) {
    StringBuilder out = new StringBuilder();
    for (ManagedProcess process : processes) {
      out.append("----- last ")
          .append(lines)
          .append(" lines of ")
          .append(process.name())
          .append(process.isAlive() ? "" : " (" + process.exitDescription() + ")")
          .append(", full log: ")
          .append(process.log())
          .append(" -----\n")
          .append(process.tail(lines))
          .append('\n');
    }
    return out.toString();
  }

  /** SIGTERM, then SIGKILL after a grace period; children (if any) are killed too. */
  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }
}
