package dev.simgate.operator.nodepolicy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;

/**
 * Writes node policy ConfigMaps in the background, so that a thousand nodes' documents never hold the reconcile
 * threads every controller shares while the API server takes its time. Per name, the newest document asked for is the
 * one written: one asked for while an older one is on its way replaces it, so a burst of changes makes one write.
 * A failed write is tried again, with a back-off, until it succeeds or a newer document or a delete replaces it.
 */
final class DocumentWriter {
  static final int THREADS = 2;
  static final Duration FIRST_RETRY = Duration.ofMillis(500);
  static final Duration LAST_RETRY = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(DocumentWriter.class);

  /** A document waiting to be written, and what to remember of it once it is. */
  record Pending(ConfigMap document, String digest) {}

  private final Function<ConfigMap, ConfigMap> apply;
  private final BiConsumer<Pending, ConfigMap> done;
  private final ScheduledExecutorService threads;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  /**
   * @param apply writes one document and returns it as stored (throws when it could not)
   * @param done told of each document written, with what {@code apply} returned
   */
  DocumentWriter(Function<ConfigMap, ConfigMap> apply, BiConsumer<Pending, ConfigMap> done) {
    this.apply = apply;
    this.done = done;
    var pool = new ScheduledThreadPoolExecutor(THREADS, Thread.ofPlatform().daemon().name("node-policy-writer-", 0)
        .factory());
    pool.setKeepAliveTime(1, TimeUnit.MINUTES);
    pool.allowCoreThreadTimeOut(true); // none left behind by an operator that stopped
    this.threads = pool;
  }

  /** Writes {@code document} (named by its metadata), replacing any older one of that name not written yet. */
  void write(ConfigMap document, String digest) {
    String name = document.getMetadata().getName();
    if (pending.put(name, new Pending(document, digest)) == null) {
      threads.execute(() -> writeNewest(name, 0));
    }
  }

  /** The digest of the document waiting to be written under {@code name}, or null when none is. */
  String waiting(String name) {
    Pending waiting = pending.get(name);
    return waiting == null ? null : waiting.digest();
  }

  /**
   * Drops the document waiting under {@code name}, if any. One already on its way still lands, but is not reported
   * {@code done}.
   */
  void forget(String name) {
    pending.remove(name);
  }

  private void writeNewest(String name, int failures) {
    Pending next = pending.get(name);
    if (next == null) {
      return; // forgotten meanwhile
    }
    ConfigMap stored;
    try {
      stored = apply.apply(next.document());
    } catch (RuntimeException e) {
      long delay = Math.min(LAST_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(failures, 16));
      LOG.atWarn().addKeyValue("configMap", name).addKeyValue("retryInMs", delay).addKeyValue("error", e.getMessage())
          .log("node policy not written; trying again");
      threads.schedule(() -> writeNewest(name, failures + 1), delay, TimeUnit.MILLISECONDS);
      return;
    }
    boolean[] newer = {false};
    pending.compute(name, (key, now) -> {
      if (now == null) {
        return null; // forgotten while on its way: not remembered as written, so it is written again when asked
      }
      done.accept(next, stored);
      newer[0] = now != next;
      return newer[0] ? now : null;
    });
    if (newer[0]) {
      threads.execute(() -> writeNewest(name, 0)); // a newer one came while this one was on its way
    }
  }
}
