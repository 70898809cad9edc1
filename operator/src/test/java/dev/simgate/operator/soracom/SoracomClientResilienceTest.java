package dev.simgate.operator.soracom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.simgate.operator.soracom.model.Sim;

/** How the client behaves when the API misbehaves: 5xx, 4xx, 429, rate limits, timeouts and downtime. */
class SoracomClientResilienceTest {
  private static final String GET_VPG = "getVirtualPrivateGateway";
  private static final Predicate<MockSoracomApi.RecordedRequest> NOT_AUTH = r -> !r.operation().equals("auth");

  private final Testbed bed = new Testbed();

  {
    bed.api.addVpg("vpg-1", "10.128.0.0/9");
  }

  @AfterEach
  void close() {
    bed.close();
  }

  // ------------------------------------------------------------------ 5xx and 4xx

  @Test
  void serverErrorsAreRetriedWithGrowingJitteredBackoff() {
    SoracomClient client = bed.client();
    bed.api.failNext(GET_VPG, 3, 503);

    assertThat(client.getVirtualPrivateGateway("vpg-1").vpgId()).isEqualTo("vpg-1");

    List<Duration> gaps = gaps(GET_VPG);
    assertThat(gaps).hasSize(3);
    // initial 1 s doubling; each wait a random point in the upper half of its step
    assertThat(gaps.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(gaps.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(gaps.get(2)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
  }

  @Test
  void serverErrorsThatDoNotStopSurfaceTheApisErrorAfterTheLastAttempt() {
    SoracomClient client = bed.client();
    bed.api.failNext(GET_VPG, 10, 500);
    assertThatThrownBy(() -> client.getVirtualPrivateGateway("vpg-1"))
        .isInstanceOfSatisfying(SoracomApiException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(500);
          assertThat(e.code()).isEqualTo("COM0003");
          assertThat(e.isTransient()).isTrue();
        })
        .hasMessage("SORACOM getVirtualPrivateGateway answered HTTP 500 COM0003: Internal server error (after 5 attempts)");
    assertThat(bed.api.calls(GET_VPG)).isEqualTo(RetryPolicy.DEFAULT.maxAttempts());
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 404, 409, 422})
  void clientErrorsAreNotRetried(int status) {
    SoracomClient client = bed.client();
    bed.api.rejectNext(GET_VPG, status, "MCK0" + status, "refused");
    assertThatThrownBy(() -> client.getVirtualPrivateGateway("vpg-1"))
        .isInstanceOfSatisfying(SoracomApiException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(status);
          assertThat(e.isTransient()).isFalse();
        });
    assertThat(bed.api.calls(GET_VPG)).isEqualTo(1);
    assertThat(bed.time.slept()).as("no backoff").isLessThan(Duration.ofSeconds(1));
  }

  // ------------------------------------------------------------------ 429 and the advertised rate

  @Test
  void a429IsWaitedOutAsLongAsTheApiSaysButHardlyLonger() {
    SoracomClient client = bed.client();
    client.getVirtualPrivateGateway("vpg-1");
    bed.api.storm429(3, 20);

    assertThat(client.getVirtualPrivateGateway("vpg-1").vpgId()).isEqualTo("vpg-1");

    assertThat(gaps(GET_VPG).subList(1, 4)).allSatisfy(gap -> assertThat(gap).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(22)));
  }

  @Test
  void a429StormLongerThanTheCallDeadlineFailsInBoundedTimeWithoutHotLooping() {
    SoracomClient client = bed.client();
    client.getVirtualPrivateGateway("vpg-1");
    bed.api.storm429(1000, 60);
    Instant start = bed.time.instant();

    assertThatThrownBy(() -> client.getVirtualPrivateGateway("vpg-1"))
        .isInstanceOfSatisfying(SoracomRateLimitedException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(429);
          assertThat(e.code()).isEqualTo("MCK0429");
          assertThat(e.isTransient()).isTrue();
        });

    assertThat(Duration.between(start, bed.time.instant())).isLessThanOrEqualTo(RetryPolicy.DEFAULT.callDeadline());
    assertThat(bed.api.calls(GET_VPG) - 1).as("one try a minute in a two-minute deadline").isBetween(2, 3);
  }

  @Test
  void aLongListingUnderABudgetAndA429StormStaysUnderTheAdvertisedRateAndLosesNothing() {
    bed.api.addGroup("group-a").maxPageSize(10).rateLimit(12, Duration.ofSeconds(60));
    for (int i = 0; i < 600; i++) {
      bed.api.addSim("89811000000000%05d".formatted(i), "44010000001%04d".formatted(i)).inGroup("group-a");
    }
    bed.time.at(bed.time.instant().plus(Duration.ofMinutes(2)), () -> bed.api.storm429(3, 30));
    SoracomClient client = bed.client();

    List<Sim> sims = client.listSimsInGroup("group-a");

    assertThat(sims).hasSize(600).extracting(Sim::simId).doesNotHaveDuplicates();
    assertThat(client.advertisedRateLimit()).contains(12);
    assertThat(bed.api.maxRequestsWithin(Duration.ofSeconds(60), NOT_AUTH)).as("never over the advertised 12/min").isLessThanOrEqualTo(12);
    List<MockSoracomApi.RecordedRequest> requests = bed.api.requests().stream().filter(NOT_AUTH).toList();
    assertThat(requests).filteredOn(r -> r.status() == 429).as("only the injected storm; pacing avoids the budget's").hasSize(3);
    for (int i = 0; i + 1 < requests.size(); i++) {
      if (requests.get(i).status() == 429) {
        assertThat(Duration.between(requests.get(i).at(), requests.get(i + 1).at()))
            .as("waits the window out after a 429").isGreaterThanOrEqualTo(Duration.ofSeconds(30));
      }
    }
  }

  @Test
  void aResponseSayingNothingIsLeftPausesUntilTheWindowRefreshes() {
    bed.api.rateLimit(5, Duration.ofSeconds(60));
    SoracomClient client = bed.client();
    client.getVirtualPrivateGateway("vpg-1");
    // Someone else on the same operator (another tool, another replica) spends most of the window.
    try (RawHttp other = new RawHttp(bed.api.baseUri()).login(Testbed.KEY_ID, Testbed.KEY)) {
      for (int i = 0; i < 3; i++) {
        assertThat(other.get("/virtual_private_gateways/vpg-1").status()).isEqualTo(200);
      }
    }
    client.getVirtualPrivateGateway("vpg-1"); // answered with remaining 0
    client.getVirtualPrivateGateway("vpg-1");

    assertThat(bed.api.requests()).filteredOn(NOT_AUTH).noneMatch(r -> r.status() == 429);
    List<Duration> gaps = gaps(GET_VPG);
    assertThat(gaps.getLast()).as("waited for the window to refresh, not just the pacing interval")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(40));
  }

  // ------------------------------------------------------------------ timeouts and downtime

  @Test
  void aCallThatHangsTimesOutAndIsRetried() {
    SoracomClient client = bed.client(s -> s.withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)));
    client.getVirtualPrivateGateway("vpg-1");
    bed.api.stallNext(GET_VPG, 1, Duration.ofSeconds(2));

    assertThat(client.getVirtualPrivateGateway("vpg-1").vpgId()).isEqualTo("vpg-1");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> bed.api.calls(GET_VPG) == 3);
  }

  @Test
  void callsThatKeepHangingFailAsUnavailableWithTheTimeoutAsCause() {
    SoracomClient client = bed.client(s -> s.withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500))
        .withRetry(new RetryPolicy(2, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofSeconds(60))));
    client.getVirtualPrivateGateway("vpg-1");
    bed.api.stallNext(GET_VPG, 2, Duration.ofSeconds(2));

    assertThatThrownBy(() -> client.getVirtualPrivateGateway("vpg-1"))
        .isInstanceOf(SoracomUnavailableException.class)
        .hasCauseInstanceOf(HttpTimeoutException.class)
        .hasMessageContaining("after 2 attempts");
  }

  @Test
  void anApiThatIsDownFailsWithAClearErrorInBoundedTime() {
    SoracomClient client = bed.client();
    client.getVirtualPrivateGateway("vpg-1");
    bed.api.goDown();
    Instant start = bed.time.instant();

    SoracomUnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> catchUnavailable(() -> client.getVirtualPrivateGateway("vpg-1")));

    assertThat(e.getMessage()).startsWith("SORACOM getVirtualPrivateGateway unreachable at 127.0.0.1 after 5 attempts in ");
    assertThat(e.isTransient()).isTrue();
    assertThat(e.operation()).isEqualTo(GET_VPG);
    // backoffs of at most 1 + 2 + 4 + 8 s
    assertThat(Duration.between(start, bed.time.instant())).isLessThanOrEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void theDeadlineBoundsRetriesWhateverTheAttemptCount() {
    SoracomClient client = bed.client(s -> s.withRetry(
        new RetryPolicy(1000, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(90), Duration.ofSeconds(60))));
    client.getVirtualPrivateGateway("vpg-1");
    bed.api.goDown();
    Instant start = bed.time.instant();

    assertThatThrownBy(() -> client.getVirtualPrivateGateway("vpg-1")).isInstanceOf(SoracomUnavailableException.class);
    assertThat(Duration.between(start, bed.time.instant())).isLessThanOrEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void anApiBackAfterAWhileIsReachedByTheRetries() {
    SoracomClient client = bed.client();
    client.getVirtualPrivateGateway("vpg-1");
    bed.api.goDown();
    bed.time.at(bed.time.instant().plus(Duration.ofSeconds(3)), bed.api::comeBack);

    assertThat(client.getVirtualPrivateGateway("vpg-1").vpgId()).isEqualTo("vpg-1");
    assertThat(bed.api.calls(GET_VPG)).as("nothing reached it while down").isEqualTo(2);
  }

  // ------------------------------------------------------------------ helpers

  /** Time between consecutive requests of an operation, as the server saw them. */
  private List<Duration> gaps(String operation) {
    List<Instant> at = bed.api.requests().stream().filter(r -> r.operation().equals(operation))
        .map(MockSoracomApi.RecordedRequest::at).toList();
    List<Duration> gaps = new ArrayList<>();
    for (int i = 1; i < at.size(); i++) {
      gaps.add(Duration.between(at.get(i - 1), at.get(i)));
    }
    return gaps;
  }

  private static SoracomUnavailableException catchUnavailable(Runnable call) {
    try {
      call.run();
    } catch (SoracomUnavailableException e) {
      return e;
    }
    throw new AssertionError("expected SoracomUnavailableException");
  }
}
