package dev.simgate.agent.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one host command ({@code ip}, {@code nft}) to completion in bounded time. Standard input is fed, and standard
 * output and error are drained, by their own threads while the command runs, so a command that writes more than a
 * pipe holds cannot stall it; when the time is up the command and its children are killed and the call fails.
 */
public final class HostCommand {
  private static final Duration AFTER_EXIT = Duration.ofMillis(500);
  private final Duration timeout;

  /** What a finished command left: its exit status and its two outputs. */
  public record Result(List<String> argv, int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** An IOException with {@code what} failed, the exit status, what it said on stderr (else stdout), and {@code context}. */
    public IOException failure(String what, String context) {
      String said = stderr.isBlank() ? stdout.strip() : stderr.strip();
      return new IOException(what + " failed (exit " + exitCode + "): " + said + context);
    }
  }

  public HostCommand(Duration timeout) {
    this.timeout = timeout;
  }

  public Result run(List<String> argv, String input) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Process process = new ProcessBuilder(argv).start();
    Thread stdin = Thread.ofVirtual().start(() -> feed(process.getOutputStream(), input));
    Drain stdout = new Drain(process.getInputStream());
    Drain stderr = new Drain(process.getErrorStream());
    try {
      if (!process.waitFor(remaining(deadline), TimeUnit.NANOSECONDS)) {
        throw new IOException(String.join(" ", argv) + " did not finish within " + timeout.toMillis() + " ms");
      }
      // What the command wrote is in the pipes when it exits and read soon after; a child it left behind may hold
      // them open much longer, and is not waited for.
      long drained = Math.min(deadline, System.nanoTime() + AFTER_EXIT.toNanos());
      stdout.await(drained);
      stderr.await(drained);
      stdin.join(Duration.ofNanos(remaining(deadline)));
      return new Result(List.copyOf(argv), process.exitValue(), stdout.text(), stderr.text());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", argv), e);
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private static void feed(OutputStream out, String input) {
    try (out) {
      out.write(input.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // the command exited without reading all of its input: its exit status tells
    }
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  /** Reads one output stream to its end on a virtual thread; what it has read so far can be taken at any time. */
  private static final class Drain {
    private final Thread thread;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Drain(InputStream in) {
      thread = Thread.ofVirtual().start(() -> {
        byte[] buffer = new byte[8192];
        try (in) {
          for (int n; (n = in.read(buffer)) >= 0; ) {
            synchronized (bytes) {
              bytes.write(buffer, 0, n);
            }
          }
        } catch (IOException e) {
          // the process was killed: the caller fails anyway
        }
      });
    }

    void await(long deadline) throws InterruptedException {
      thread.join(Duration.ofNanos(remaining(deadline)));
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
