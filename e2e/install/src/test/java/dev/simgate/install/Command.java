package dev.simgate.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one external command (helm, kubectl, lua5.4, generate.sh) to completion and keeps what it printed. */
record Command(List<String> argv, int exitCode, String stdout, String stderr) {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  static Command run(List<String> argv) {
    return run(argv, Map.of(), null);
  }

  /** Runs argv with extra environment variables and optional standard input; fails on a hang, not on exit code. */
  static Command run(List<String> argv, Map<String, String> env, String stdin) {
    try {
      Path out = Files.createTempFile("simgate-cmd", ".out");
      Path err = Files.createTempFile("simgate-cmd", ".err");
      try {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        if (stdin == null) {
          builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        }
        Process process = builder.start();
        if (stdin != null) {
          try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
          }
        }
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException("timed out after " + TIMEOUT + ": " + String.join(" ", argv));
        }
        return new Command(argv, process.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", argv), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", argv), e);
    }
  }

  boolean succeeded() {
    return exitCode == 0;
  }

  /** Returns this command's stdout, or throws with everything needed to see why it failed. */
  String requireSuccess() {
    if (!succeeded()) {
      throw new AssertionError(describe());
    }
    return stdout;
  }

  String describe() {
    return "`" + String.join(" ", argv) + "` exited " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
  }
}
