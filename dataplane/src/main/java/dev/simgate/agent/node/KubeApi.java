package dev.simgate.agent.node;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The few Kubernetes API calls the node agent makes, with the JDK's HTTP client (no Kubernetes library in the agent's
 * jar): the service-account token is read again for every request (the kubelet rotates it), and the API server's
 * certificate must chain to the CA file.
 */
final class KubeApi {
  static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final URI server;
  private final Path tokenFile;
  private final HttpClient client;

  KubeApi(URI server, Path tokenFile, Path caFile) throws IOException {
    this.server = server;
    this.tokenFile = tokenFile;
    this.client = HttpClient.newBuilder().sslContext(trusting(caFile)).connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** The API server of the pod's cluster: {@code KUBERNETES_SERVICE_HOST} and {@code _PORT}, set by the kubelet. */
  static URI inClusterServer() {
    String host = System.getenv("KUBERNETES_SERVICE_HOST");
    String port = System.getenv("KUBERNETES_SERVICE_PORT");
    if (host == null || port == null) {
      throw new IllegalStateException("not in a pod (KUBERNETES_SERVICE_HOST/PORT unset): give --api-server, or"
          + " --policy-file to run without Kubernetes");
    }
    return URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
  }

  URI server() {
    return server;
  }

  /** A GET that returns the whole body. */
  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(request(path).timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET whose body is read as it comes (a watch): the headers must come within the request timeout. */
  HttpResponse<InputStream> stream(String path) throws IOException, InterruptedException {
    return client.send(request(path).timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  private HttpRequest.Builder request(String path) throws IOException {
    String token = Files.readString(tokenFile).strip();
    return HttpRequest.newBuilder(server.resolve(path)).header("Authorization", "Bearer " + token)
        .header("Accept", "application/json").GET();
  }

  /** TLS that trusts the certificates in {@code caFile} (PEM, one or more) and nothing else. */
  private static SSLContext trusting(Path caFile) throws IOException {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + n++, certificate);
      }
      if (n == 0) {
        throw new IOException("no certificate in " + caFile);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use the CA in " + caFile + ": " + e.getMessage(), e);
    }
  }
}
