package dev.simgate.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short host command (ip, ctr, umount, nsenter ...) to completion within a deadline. Output (stdout and stderr,
 * merged) is drained while the command runs, so a chatty command cannot block on a full pipe and the deadline always
 * holds; a command past its deadline is killed.
 */
public final class HostCommand {

  /** What a command did. */
  public record Result(List<String> command, int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** This result if the command succeeded, else an exception with the command, its exit code and output. */
    public Result orThrow() {
      if (!ok()) {
        throw new IllegalStateException(
            String.join(" ", command) + " failed (exit " + exitCode + "): " + output.strip());
      }
      return this;
    }
  }

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private HostCommand() {}

  public static Result run(String... command) {
    return run(DEFAULT_TIMEOUT, Map.of(), List.of(command));
  }

  /** Runs {@code command} and fails with its output unless it exits 0. */
  public static String check(String... command) {
    return run(command).orThrow().output();
  }

  /**
   * @param env variables added to this JVM's environment
   * @return the result; a command that outlives {@code timeout} is killed and reported with exit code -1
   */
  public static Result run(Duration timeout, Map<String, String> env, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new Result(command, 127, "cannot start: " + e.getMessage());
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread drain = Thread.ofVirtual().start(() -> copy(process.getInputStream(), output));
    try {
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        drain.join(Duration.ofSeconds(5));
        return new Result(command, -1, "timed out after " + timeout.toSeconds() + " s: " + text(output));
      }
      drain.join(Duration.ofSeconds(5));
      return new Result(command, process.exitValue(), text(output));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        synchronized (out) {
          out.write(buffer, 0, n);
        }
      }
    } catch (IOException e) {
      // the process is gone; what was read is kept
    }
  }

  private static String text(ByteArrayOutputStream out) {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
