package dev.simgate.operator.soracom;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * A client wired to the mock on one manual clock: API waits (backoff, 429, pacing, token life) take no real time and are
 * recorded; only the HTTP exchange itself is real, on loopback.
 */
final class Testbed implements AutoCloseable {
  static final String KEY_ID = "keyId-7e3c0b1a9d2f";
  static final String KEY = "secret-4b8d1f6a2c9e5d7b";

  final ManualTime time = new ManualTime();
  final MockSoracomApi api = new MockSoracomApi(time).addAuthKey(KEY_ID, KEY);
  private final List<SoracomClient> clients = new ArrayList<>();

  SoracomSettings settings() {
    return SoracomSettings.defaults(Coverage.JAPAN).withEndpoint(api.baseUri())
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));
  }

  SoracomClient client() {
    return client(s -> s);
  }

  SoracomClient client(UnaryOperator<SoracomSettings> tune) {
    return client(tune, new SoracomCredentials(KEY_ID, KEY));
  }

  SoracomClient client(UnaryOperator<SoracomSettings> tune, SoracomCredentials credentials) {
    SoracomClient c = new SoracomClient(tune.apply(settings()), credentials, time, time, new Random(7));
    clients.add(c);
    return c;
  }

  @Override
  public void close() {
    clients.forEach(SoracomClient::close);
    api.close();
  }
}
