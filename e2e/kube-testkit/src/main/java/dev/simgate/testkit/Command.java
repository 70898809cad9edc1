package dev.simgate.testkit;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One external command run to completion by a test (helm, kubectl, lua, lab.sh, ip netns exec ...), with what it
 * printed. The tests' one process runner (the agent has its own, {@code HostCommand}, which must not touch the disk),
 * also for the test cluster's host commands (ip, ctr, umount):
 * a command that outlives its time limit is killed with its children and fails the test.
 *
 * @param exitCode the command's exit status
 */
public record Command(List<String> argv, int exitCode, String stdout, String stderr) {
  public static final Duration TIMEOUT = Duration.ofMinutes(2);

  public static Command run(List<String> argv) {
    return run(argv, Map.of(), null, TIMEOUT);
  }

  public static Command run(String... argv) {
    return run(List.of(argv));
  }

  /** Runs {@code argv} and returns its stdout, or fails (with everything it printed) unless it exits 0. */
  public static String check(String... argv) {
    return run(List.of(argv)).requireSuccess();
  }

  public static Command run(List<String> argv, Map<String, String> env, String stdin) {
    return run(argv, env, stdin, TIMEOUT);
  }

  /**
   * Runs {@code argv} with extra environment variables and, unless null, {@code stdin} as its standard input (else
   * /dev/null). Fails on a hang, not on an exit status. Output goes to files, so nothing the command (or a child it
   * leaves behind) does with its output can hold the test up.
   */
  public static Command run(List<String> argv, Map<String, String> env, String stdin, Duration timeout) {
    Path out = null;
    Path err = null;
    Process process = null;
    try {
      out = Files.createTempFile("simgate-cmd", ".out");
      err = Files.createTempFile("simgate-cmd", ".err");
      ProcessBuilder builder = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().putAll(env);
      if (stdin == null) {
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      }
      process = builder.start();
      if (stdin != null) {
        feed(process, stdin);
      }
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", argv));
      }
      return new Command(List.copyOf(argv), process.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", argv), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", argv), e);
    } finally {
      if (process != null) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
      delete(out);
      delete(err);
    }
  }

  public boolean succeeded() {
    return exitCode == 0;
  }

  /** Returns this command's stdout, or throws with everything needed to see why it failed. */
  public String requireSuccess() {
    if (!succeeded()) {
      throw new AssertionError(describe());
    }
    return stdout;
  }

  public String describe() {
    return "`" + String.join(" ", argv) + "` exited " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
  }

  /** Writes the input on its own thread: a command that reads it late (or never) must not block the caller. */
  private static void feed(Process process, String text) {
    Thread.ofVirtual().start(() -> {
      try (OutputStream in = process.getOutputStream()) {
        in.write(text.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // the command exited without reading all of it: its exit status tells
      }
    });
  }

  private static void delete(Path file) {
    try {
      if (file != null) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // a temp file left behind
    }
  }
}
