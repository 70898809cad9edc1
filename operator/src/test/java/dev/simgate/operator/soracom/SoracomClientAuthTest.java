package dev.simgate.operator.soracom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Authentication: one key/token per client, renewed before it expires, replaced once when the API refuses it. */
class SoracomClientAuthTest {
  private final Testbed bed = new Testbed();

  {
    bed.api.addVpg("vpg-1", "10.128.0.0/9");
  }

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void authenticatesOnceWithTheAuthKeyAndReusesTheToken() throws Exception {
    SoracomClient client = bed.client(s -> s.withTokenLifetime(Duration.ofHours(1)));
    for (int i = 0; i < 5; i++) {
      client.getVirtualPrivateGateway("vpg-1");
    }
    assertThat(bed.api.calls("auth")).isEqualTo(1);
    MockSoracomApi.RecordedRequest auth = bed.api.requests().get(0);
    assertThat(auth.path()).isEqualTo("/v1/auth");
    assertThat(auth.header("X-Soracom-Token")).as("auth carries no session").isNull();
    JsonNode body = new ObjectMapper().readTree(auth.body());
    assertThat(body.get("authKeyId").asText()).isEqualTo(Testbed.KEY_ID);
    assertThat(body.get("authKey").asText()).isEqualTo(Testbed.KEY);
    assertThat(body.get("tokenTimeoutSeconds").asLong()).isEqualTo(3600);
    assertThat(tokensUsed("getVirtualPrivateGateway")).hasSize(5).containsOnly(tokensUsed("getVirtualPrivateGateway").get(0));
  }

  @Test
  void renewsTheTokenBeforeItExpiresWithGenerateAuthToken() {
    SoracomClient client = bed.client(s -> s.withTokenLifetime(Duration.ofMinutes(10)));
    client.getVirtualPrivateGateway("vpg-1");
    bed.time.advance(Duration.ofMinutes(7));
    client.getVirtualPrivateGateway("vpg-1");
    assertThat(bed.api.calls("generateAuthToken")).as("not before 4/5 of the lifetime").isZero();

    bed.time.advance(Duration.ofMinutes(1)); // 8 of 10 minutes gone
    client.getVirtualPrivateGateway("vpg-1");
    assertThat(bed.api.calls("generateAuthToken")).isEqualTo(1);
    assertThat(bed.api.calls("auth")).isEqualTo(1);
    MockSoracomApi.RecordedRequest renewal = bed.api.requests().stream()
        .filter(r -> r.operation().equals("generateAuthToken")).findFirst().orElseThrow();
    assertThat(renewal.path()).isEqualTo("/v1/operators/" + MockSoracomApi.OPERATOR_ID + "/token");
    assertThat(renewal.body()).isEqualTo("{\"tokenTimeoutSeconds\":600}");

    List<String> tokens = tokensUsed("getVirtualPrivateGateway");
    assertThat(tokens.get(2)).as("the renewed token is used").isNotEqualTo(tokens.get(0));
    // Well past the first token's life, the renewed one still works: no 401, no new auth.
    bed.time.advance(Duration.ofMinutes(7));
    client.getVirtualPrivateGateway("vpg-1");
    assertThat(bed.api.requests()).noneMatch(r -> r.status() == 401);
    assertThat(bed.api.calls("auth")).isEqualTo(1);
  }

  @Test
  void authenticatesAgainWhenRenewalIsRefusedBecauseTheTokenAlreadyExpired() {
    // The server keeps tokens 5 minutes whatever was asked; the client believes 10 and renews at 8.
    bed.api.tokenLifetimeCap(Duration.ofMinutes(5));
    SoracomClient client = bed.client(s -> s.withTokenLifetime(Duration.ofMinutes(10)));
    client.getVirtualPrivateGateway("vpg-1");
    bed.time.advance(Duration.ofMinutes(8));

    assertThat(client.getVirtualPrivateGateway("vpg-1").vpgId()).isEqualTo("vpg-1");
    assertThat(bed.api.requests()).extracting(MockSoracomApi.RecordedRequest::operation, MockSoracomApi.RecordedRequest::status)
        .containsExactly(
            tuple("auth", 200),
            tuple("getVirtualPrivateGateway", 200),
            tuple("generateAuthToken", 400),
            tuple("auth", 200),
            tuple("getVirtualPrivateGateway", 200));
  }

  @Test
  void aTokenRefusedMidLifeIsReplacedOnceAndTheCallRepeated() {
    bed.api.tokenLifetimeCap(Duration.ofMinutes(5));
    SoracomClient client = bed.client(s -> s.withTokenLifetime(Duration.ofHours(1)));
    client.getVirtualPrivateGateway("vpg-1");
    bed.time.advance(Duration.ofMinutes(6)); // expired on the server, not yet due for renewal in the client

    assertThat(client.getVirtualPrivateGateway("vpg-1").vpgId()).isEqualTo("vpg-1");
    assertThat(bed.api.requests()).extracting(MockSoracomApi.RecordedRequest::operation, MockSoracomApi.RecordedRequest::status)
        .containsExactly(
            tuple("auth", 200),
            tuple("getVirtualPrivateGateway", 200),
            tuple("getVirtualPrivateGateway", 401),
            tuple("auth", 200),
            tuple("getVirtualPrivateGateway", 200));
  }

  @Test
  void a403WithAnAumCodeAlsoReplacesTheToken() {
    SoracomClient client = bed.client();
    client.getVirtualPrivateGateway("vpg-1");
    bed.api.rejectNext("getVirtualPrivateGateway", 403, "AUM0003", "Invalid token");
    client.getVirtualPrivateGateway("vpg-1");
    assertThat(bed.api.calls("auth")).isEqualTo(2);

    bed.api.rejectNext("getVirtualPrivateGateway", 403, "MCK0403", "Permission denied by SAM policy");
    assertThatThrownBy(() -> client.getVirtualPrivateGateway("vpg-1"))
        .isInstanceOfSatisfying(SoracomApiException.class, e -> assertThat(e.code()).isEqualTo("MCK0403"));
    assertThat(bed.api.calls("auth")).as("a permission error is not a token problem").isEqualTo(2);
  }

  @Test
  void aTokenRefusedTwiceInARowFailsWithoutLooping() {
    SoracomClient client = bed.client();
    client.getVirtualPrivateGateway("vpg-1");
    bed.api.rejectNext("getVirtualPrivateGateway", 401, "MCK0401", "Invalid API key or token")
        .rejectNext("getVirtualPrivateGateway", 401, "MCK0401", "Invalid API key or token");

    assertThatThrownBy(() -> client.getVirtualPrivateGateway("vpg-1"))
        .isInstanceOfSatisfying(SoracomAuthenticationException.class, e -> assertThat(e.httpStatus()).isEqualTo(401));
    assertThat(bed.api.calls("auth")).isEqualTo(2);
    assertThat(bed.api.calls("getVirtualPrivateGateway")).isEqualTo(3);
  }

  @Test
  void wrongCredentialsFailAtOnceAndAreNotRetried() {
    SoracomClient client = bed.client(s -> s, new SoracomCredentials(Testbed.KEY_ID, "secret-wrong-one"));
    assertThatThrownBy(() -> client.getVirtualPrivateGateway("vpg-1"))
        .isInstanceOfSatisfying(SoracomAuthenticationException.class, e -> {
          assertThat(e.operation()).isEqualTo("auth");
          assertThat(e.httpStatus()).isEqualTo(401);
          assertThat(e.isTransient()).isFalse();
        });
    assertThat(bed.api.calls("auth")).isEqualTo(1);
    assertThat(bed.api.calls("getVirtualPrivateGateway")).isZero();
  }

  @Test
  void concurrentCallsShareOneAuthentication() throws Exception {
    SoracomClient client = bed.client();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<String>> calls = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        calls.add(() -> client.getVirtualPrivateGateway("vpg-1").vpgId());
      }
      for (Future<String> f : pool.invokeAll(calls)) {
        assertThat(f.get()).isEqualTo("vpg-1");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(bed.api.calls("auth")).isEqualTo(1);
  }

  @Test
  void tokenLifetimeIsBoundedAsTheApiDocuments() {
    assertThatThrownBy(() -> bed.settings().withTokenLifetime(Duration.ofSeconds(179))).hasMessageContaining("180");
    assertThatThrownBy(() -> bed.settings().withTokenLifetime(Duration.ofSeconds(172_801))).hasMessageContaining("172800");
  }

  private List<String> tokensUsed(String operation) {
    return bed.api.requests().stream().filter(r -> r.operation().equals(operation)).map(r -> r.header("X-Soracom-Token")).toList();
  }
}
