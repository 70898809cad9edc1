package dev.simgate.testkit;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** Polls a component's health endpoint until it answers, failing early when one of the processes dies. */
final class Readiness {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

  // The probes only read health endpoints (open to anonymous users) of processes this JVM just started on loopback,
  // whose serving certificates are self-signed at startup; no secret is sent, so the probe trusts any certificate.
  private static final HttpClient PROBE_CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .sslContext(trustingLoopbackProbes())
          .build();

  private Readiness() {}

  /**
   * Waits until {@code url} answers 200 with a body accepted by {@code body}.
   *
   * @param watched processes whose death aborts the wait
   * @throws ControlPlaneStartException on timeout or when a watched process died
   */
  static void await(
      String what,
      URI url,
      Predicate<String> body,
      Duration timeout,
      List<ManagedProcess> watched) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer yet";
    while (true) {
      for (ManagedProcess process : watched) {
        if (!process.isAlive()) {
          throw new ControlPlaneStartException(
              what + " did not become ready: " + process.exitDescription(), process);
        }
      }
      try {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = PROBE_CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && body.test(response.body())) {
          return;
        }
        last = "HTTP " + response.statusCode() + ": " + abbreviate(response.body());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ControlPlaneStartException(what + ": interrupted while waiting", null);
      } catch (Exception e) {
        last = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      if (System.nanoTime() > deadline) {
        throw new ControlPlaneStartException(
            what + " not ready after " + timeout.toSeconds() + "s at " + url + " (last: " + last + ")",
            watched.isEmpty() ? null : watched.getLast());
      }
      try {
        Thread.sleep(POLL_INTERVAL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ControlPlaneStartException(what + ": interrupted while waiting", null);
      }
    }
  }

  private static String abbreviate(String s) {
    String oneLine = s.replace('\n', ' ');
    return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
  }

  private static SSLContext trustingLoopbackProbes() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new TrustAnyCertificate()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create the TLS context for health probes", e);
    }
  }

  private static final class TrustAnyCertificate extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
