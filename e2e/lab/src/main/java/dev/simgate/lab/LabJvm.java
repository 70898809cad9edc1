package dev.simgate.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged agent jar running in one of the lab's namespaces, in either of its modes ({@link AgentProcess},
 * {@link NodeAgentProcess}): its process, its log, and its admin endpoint read through curl inside that namespace.
 */
abstract class LabJvm implements AutoCloseable {
  protected final Lab lab;
  protected final String role;
  protected final Path log;
  private final String admin;
  private final String what;
  protected Process process;

  /**
   * @param admin the admin endpoint's base URL inside {@code role}'s namespace
   * @param what what it is called in errors ("agent", "node agent")
   */
  LabJvm(Lab lab, String role, Path log, String admin, String what) {
    this.lab = lab;
    this.role = role;
    this.log = log;
    this.admin = admin;
    this.what = what;
  }

  public String role() {
    return role;
  }

  /** Waits until /readyz says ready; fails with the log when the process exits or the time is up. */
  public void awaitReady(Duration timeout) throws IOException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException(what + " exited with " + process.exitValue() + ": " + log());
      }
      if (lab.exec(role, "curl", "-sf", "-o", "/dev/null", admin + "/readyz").ok()) {
        return;
      }
      sleep(100);
    }
    throw new IOException(what + " not ready after " + timeout + ": " + log());
  }

  /** What /readyz says (status code and reason), e.g. {@code 200 ok: 2/2 VPG peers answer}. */
  public String readyz() throws IOException {
    Lab.Result result = lab.exec(role, "curl", "-s", "-w", "%{http_code} ", "-o", "/dev/stderr", admin + "/readyz");
    return (result.output() + result.errors()).strip();
  }

  /** The body of {@code path} on the admin endpoint; fails when it does not answer 2xx. */
  protected String get(String path) throws IOException {
    return lab.run(role, "curl", "-sf", admin + path);
  }

  /** Every sample of /metrics, keyed by series ({@code name{labels}}); fails when the endpoint does not answer. */
  public Map<String, Double> metrics() throws IOException {
    Map<String, Double> samples = new HashMap<>();
    for (String line : get("/metrics").split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  /** One series' value; fails if it is not exported. */
  public double metric(String series) throws IOException {
    Double value = metrics().get(series);
    if (value == null) {
      throw new IllegalStateException(what + " exports no series " + series + ": " + log());
    }
    return value;
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL (nothing is cleaned up), and waits for it to be gone. */
  public void kill() throws IOException {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(15));
  }

  /** Sends SIGTERM and waits for the exit; returns the exit code. */
  public int terminate(Duration timeout) throws IOException {
    process.destroy(); // SIGTERM: `ip netns exec` exec()s the JVM, so this reaches it itself
    return awaitExit(timeout);
  }

  /** Waits for the process to exit by itself; returns its exit code. */
  public int awaitExit(Duration timeout) throws IOException {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException(what + " did not exit within " + timeout + ": " + log());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
