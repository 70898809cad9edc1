package dev.simgate.operator.nodepolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;

/** The writer against an in-memory API server: what reaches it, in which order, and what is reported written. */
class DocumentWriterTest {
  /** Stores what it is given, after {@link #gate} opens; fails {@link #failures} times first. */
  private final List<String> applied = new CopyOnWriteArrayList<>();
  private final Map<String, String> reported = new ConcurrentHashMap<>();
  private final AtomicInteger failures = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final CountDownLatch started = new CountDownLatch(1);

  private final DocumentWriter writer = new DocumentWriter(document -> {
    started.countDown();
    try {
      gate.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failures.getAndDecrement() > 0) {
      throw new IllegalStateException("the API server is away");
    }
    applied.add(document.getMetadata().getName() + "=" + document.getData().get("v"));
    return document;
  }, (pending, stored) -> reported.put(stored.getMetadata().getName(), pending.digest()));

  private static ConfigMap document(String name, String value) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("v", value).build();
  }

  @Test
  void documentsAskedForWhileOneIsOnItsWayAreWrittenOnceTheNewestOnly() throws Exception {
    gate = new CountDownLatch(1);
    writer.write(document("node-a", "1"), "d1");
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    writer.write(document("node-a", "2"), "d2");
    writer.write(document("node-a", "3"), "d3");
    assertThat(writer.waiting("node-a")).as("the newest is on its way").isEqualTo("d3");
    gate.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> writer.waiting("node-a") == null);
    assertThat(applied).containsExactly("node-a=1", "node-a=3");
    assertThat(reported).containsEntry("node-a", "d3");
  }

  @Test
  void aFailedWriteIsTriedAgainUntilItLands() {
    failures.set(2);
    writer.write(document("node-a", "1"), "d1");

    await().atMost(Duration.ofSeconds(10)).until(() -> writer.waiting("node-a") == null);
    assertThat(applied).containsExactly("node-a=1");
    assertThat(reported).containsEntry("node-a", "d1");
  }

  @Test
  void aForgottenDocumentIsNotWrittenAndOneOnItsWayIsNotReported() throws Exception {
    gate = new CountDownLatch(1);
    writer.write(document("node-a", "1"), "d1");
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    writer.write(document("node-a", "2"), "d2");
    writer.forget("node-a");
    writer.write(document("node-b", "1"), "e1");
    gate.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> applied.size() == 2 && reported.containsKey("node-b"));
    assertThat(applied).containsExactlyInAnyOrder("node-a=1", "node-b=1");
    assertThat(writer.waiting("node-a")).isNull();
    // node-a=1 landed after its delete: not remembered, so that it is written again when asked
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !reported.containsKey("node-a"));
    assertThat(applied).hasSize(2);
  }
}
