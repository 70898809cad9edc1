package dev.simgate.operator.soracom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;

import dev.simgate.operator.soracom.WireBodies.AuthRequest;
import dev.simgate.operator.soracom.WireBodies.AuthResponse;
import dev.simgate.operator.soracom.WireBodies.GenerateTokenResponse;

/**
 * Credentials and tokens appear in no log line (at DEBUG, key-values and stack traces included), no exception message
 * or cause, and no toString. The client is driven through every path that touches them: auth, renewal, refused tokens,
 * refused credentials, errors, an API that quotes the key and token back in an error message, and downtime.
 */
class SoracomSecretsTest {
  private final Testbed bed = new Testbed();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger soracomLogger = (Logger) LoggerFactory.getLogger("dev.simgate.operator.soracom");
  private final List<Throwable> thrown = new ArrayList<>();
  private final List<Object> objects = new ArrayList<>();
  private Level previousLevel;

  @BeforeEach
  void captureLogs() {
    previousLevel = soracomLogger.getLevel();
    soracomLogger.setLevel(Level.DEBUG);
    logs.start();
    soracomLogger.addAppender(logs);
    bed.api.addVpg("vpg-1", "10.128.0.0/9");
  }

  @AfterEach
  void restore() {
    soracomLogger.detachAppender(logs);
    soracomLogger.setLevel(previousLevel);
    bed.close();
  }

  @Test
  void noSecretInLogsExceptionsOrToString() {
    bed.api.tokenLifetimeCap(Duration.ofMinutes(5));
    SoracomClient client = bed.client(s -> s.withTokenLifetime(Duration.ofMinutes(10)));
    objects.add(client);
    objects.add(bed.settings());
    objects.add(new SoracomCredentials(Testbed.KEY_ID, Testbed.KEY));

    objects.add(client.readGateway("vpg-1"));
    bed.time.advance(Duration.ofMinutes(6)); // server-side expiry: 401, new auth
    objects.add(client.getVirtualPrivateGateway("vpg-1"));
    bed.time.advance(Duration.ofMinutes(8)); // renewal refused with 400, new auth
    objects.add(client.listGatePeers("vpg-1"));
    attempt(() -> client.registerGatePeer("vpg-1", "10.0.1.24", "192.0.2.1")); // 400
    bed.api.echoCredentialsInNextError("getVirtualPrivateGateway");
    attempt(() -> client.getVirtualPrivateGateway("vpg-1"));
    bed.api.failNext("getVirtualPrivateGateway", 5, 500);
    attempt(() -> client.getVirtualPrivateGateway("vpg-1"));
    bed.api.storm429(100, 60);
    attempt(() -> client.getVirtualPrivateGateway("vpg-1"));
    bed.api.storm429(0, 0);
    bed.api.goDown();
    attempt(() -> client.getVirtualPrivateGateway("vpg-1"));
    bed.api.comeBack();
    SoracomClient wrong = bed.client(s -> s, new SoracomCredentials(Testbed.KEY_ID, "secret-not-the-right-one"));
    attempt(() -> wrong.getVirtualPrivateGateway("vpg-1"));
    attempt(() -> new SoracomCredentials(Testbed.KEY_ID, " "));

    // The wire bodies that carry secrets, and a session, printed directly.
    objects.add(new AuthRequest(Testbed.KEY_ID, Testbed.KEY, 600L));
    List<String> secrets = new ArrayList<>(bed.api.issuedSecrets());
    secrets.add("secret-not-the-right-one");
    objects.add(new AuthResponse(secrets.get(0), secrets.get(1), MockSoracomApi.OPERATOR_ID, MockSoracomApi.SAM_USER));
    objects.add(new GenerateTokenResponse(secrets.get(1)));
    objects.add(new ApiSession(secrets.get(0), secrets.get(1), MockSoracomApi.OPERATOR_ID, bed.time.instant(), Duration.ofHours(1)));

    assertThat(bed.api.calls("auth")).as("the paths above were taken").isGreaterThanOrEqualTo(4);
    assertThat(bed.api.calls("generateAuthToken")).isGreaterThanOrEqualTo(1);
    assertThat(thrown).hasSize(7);
    assertThat(logs.list).as("DEBUG lines were written and are scanned").hasSizeGreaterThan(20);
    assertThat(secrets).contains(Testbed.KEY_ID, Testbed.KEY, "secret-not-the-right-one").hasSizeGreaterThan(8);

    String everything = everythingWritten();
    for (String secret : secrets) {
      assertThat(everything).as("a secret leaked").doesNotContain(secret);
    }
    assertThat(everything).as("the quoted key and token were redacted").contains("[redacted]");
  }

  private void attempt(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      thrown.add(e);
    }
  }

  private String everythingWritten() {
    StringBuilder all = new StringBuilder();
    for (ILoggingEvent e : logs.list) {
      all.append(e.getFormattedMessage()).append('\n');
      if (e.getKeyValuePairs() != null) {
        e.getKeyValuePairs().forEach(kv -> all.append(kv.key).append('=').append(kv.value).append('\n'));
      }
      if (e.getThrowableProxy() != null) {
        all.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
      }
    }
    for (Throwable t : thrown) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      all.append(trace).append('\n');
    }
    objects.forEach(o -> all.append(o).append('\n'));
    return all.toString();
  }
}
