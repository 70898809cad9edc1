package dev.simgate.agent.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The policy from a file ({@code --policy-file}), polled: for the lab and for nodes without Kubernetes. A missing file
 * is no policy (nothing allowed, steered or exposed).
 */
final class PolicyFile implements PolicySource {
  private final Path file;
  private final Duration interval;
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("policy-file").daemon().factory());

  PolicyFile(Path file, Duration interval) {
    this.file = file;
    this.interval = interval;
  }

  @Override
  public void start(Listener listener) {
    poller.scheduleWithFixedDelay(() -> {
      try {
        listener.document(Files.readString(file));
      } catch (NoSuchFileException e) {
        listener.absent();
      } catch (IOException e) {
        listener.trouble("cannot read " + file + ": " + e.getMessage());
      }
    }, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public String describe() {
    return "file " + file;
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
