package dev.simgate.operator.soracom;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Sends one request, once, and returns the whole answer. Retrying, pacing and auth are the caller's. */
final class HttpTransport implements AutoCloseable {
  private final HttpClient http;
  private final URI base;
  private final Duration callTimeout;
  private final String userAgent;

  HttpTransport(SoracomSettings settings) {
    this.base = settings.baseUri();
    this.callTimeout = settings.callTimeout();
    this.userAgent = settings.userAgent();
    this.http = HttpClient.newBuilder()
        .connectTimeout(settings.connectTimeout())
        // Plain http only happens against a test server or a local proxy, which speak HTTP/1.1; no h2c upgrade dance.
        .version("http".equalsIgnoreCase(base.getScheme()) ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  ApiResponse send(ApiRequest request, ApiSession session) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + request.pathAndQuery()))
        .timeout(callTimeout)
        .header("Accept", "application/json")
        .header("X-Soracom-Lang", "en")
        .header("User-Agent", userAgent);
    if (session != null) {
      b.header("X-Soracom-API-Key", session.apiKey()).header("X-Soracom-Token", session.token());
    }
    if (request.body() != null) {
      b.header("Content-Type", "application/json").method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
    } else {
      b.method(request.method(), HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<byte[]> response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    byte[] body = response.body() == null ? new byte[0] : response.body();
    return new ApiResponse(response.statusCode(), response.headers(), body);
  }

  @Override
  public void close() {
    http.close();
  }
}
