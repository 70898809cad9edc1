package dev.simgate.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Polls the config file's content and hands every change to {@code onChange}. Polling the content
 * (not inotify on the file) follows Kubernetes ConfigMap mounts, which swap a symlink to a new
 * directory rather than rewriting the file.
 */
final class ConfigWatcher implements AutoCloseable {
  private final Path file;
  private final Consumer<String> onChange;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("config-watcher").daemon().factory());
  private String last;

  ConfigWatcher(Path file, String current, Duration interval, Consumer<String> onChange) {
    this.file = file;
    this.last = current;
    this.onChange = onChange;
    long millis = interval.toMillis();
    executor.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void poll() {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      return; // mid-swap or briefly absent: look again next time
    }
    if (!text.equals(last)) {
      last = text;
      onChange.accept(text);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
