package dev.simgate.operator.soracom.link;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.simgate.operator.api.v1alpha1.SoracomVpgSpec;
import dev.simgate.operator.soracom.Coverage;
import dev.simgate.operator.soracom.SoracomClient;
import dev.simgate.operator.soracom.SoracomCredentials;
import dev.simgate.operator.soracom.SoracomSettings;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The SORACOM clients of the operator: one per Secret, coverage and endpoint, kept across reconciles (a client holds
 * the API token and the rate-limit state, so it must not be made per call). The Secret is read when a client is asked
 * for, with a plain GET in the operator's own namespace (its Role allows only that), so a rotated key is picked up at
 * the next refresh and the old client is closed.
 *
 * <p>Credentials go only where the Secret's owner allows: the coverage's endpoint, or an endpoint override that the
 * Secret itself names in its {@code endpoint} key. So whoever may edit a VPG cannot send the key to a server of theirs.
 */
public final class SoracomConnections implements AutoCloseable {
  public static final String AUTH_KEY_ID = "authKeyId";
  public static final String AUTH_KEY = "authKey";
  public static final String ENDPOINT = "endpoint";
  private static final Logger LOG = LoggerFactory.getLogger(SoracomConnections.class);

  private record Key(String secret, Coverage coverage, URI endpoint) {}

  /** A client and the fingerprint of the credentials it was made with (never logged). */
  private record Held(String fingerprint, SoracomClient client) {}

  private final KubernetesClient kube;
  private final String namespace;
  private final SoracomOptions options;
  private final Map<Key, Held> clients = new HashMap<>();

  public SoracomConnections(KubernetesClient kube, String namespace, SoracomOptions options) {
    this.kube = kube;
    this.namespace = namespace;
    this.options = options;
  }

  /**
   * The client for a VPG's {@code spec.soracom}.
   *
   * @throws SoracomSetupException the Secret is missing or incomplete, or does not allow the endpoint
   * @throws KubernetesClientException the Secret could not be read for another reason (retried by the reconciler)
   */
  public synchronized SoracomClient client(SoracomVpgSpec spec) {
    String where = "Secret " + namespace + "/" + spec.secretRef.name;
    Map<String, String> data = readSecret(spec.secretRef.name, where);
    Optional<URI> endpoint = endpoint(spec, data, where);
    SoracomCredentials credentials;
    try {
      credentials = new SoracomCredentials(data.get(AUTH_KEY_ID), data.get(AUTH_KEY));
    } catch (IllegalArgumentException e) {
      throw new SoracomSetupException(SoracomSetupException.SECRET_INVALID,
          "spec.soracom.secretRef: " + where + " needs the keys '" + AUTH_KEY_ID + "' and '" + AUTH_KEY + "' (a SAM user's"
              + " auth key), not empty");
    }
    Coverage coverage = spec.coverage == SoracomVpgSpec.Coverage.Global ? Coverage.GLOBAL : Coverage.JAPAN;
    Key key = new Key(spec.secretRef.name, coverage, endpoint.orElse(null));
    String fingerprint = fingerprint(data.get(AUTH_KEY_ID), data.get(AUTH_KEY));
    Held held = clients.get(key);
    if (held != null && held.fingerprint().equals(fingerprint)) {
      return held.client();
    }
    if (held != null) {
      held.client().close();
      LOG.atInfo().addKeyValue("secret", where).log("SORACOM credentials changed; using the new ones");
    }
    SoracomSettings settings = options.settings().apply(coverage);
    if (endpoint.isPresent()) {
      settings = settings.withEndpoint(endpoint.get());
    }
    SoracomClient client = options.clients().apply(settings, credentials);
    clients.put(key, new Held(fingerprint, client));
    return client;
  }

  @Override
  public synchronized void close() {
    clients.values().forEach(h -> h.client().close());
    clients.clear();
  }

  private Map<String, String> readSecret(String name, String where) {
    Secret secret;
    try {
      secret = kube.secrets().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        throw new SoracomSetupException(SoracomSetupException.SECRET_NOT_FOUND, "spec.soracom.secretRef: the operator"
            + " may not read " + where + " (HTTP 403): its Role must allow get on Secrets in its namespace");
      }
      throw e;
    }
    if (secret == null) {
      throw new SoracomSetupException(SoracomSetupException.SECRET_NOT_FOUND,
          "spec.soracom.secretRef: " + where + " does not exist (the Secret must be in the operator's namespace)");
    }
    Map<String, String> data = new HashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> data.put(k, decode(v)));
    }
    return data;
  }

  private static Optional<URI> endpoint(SoracomVpgSpec spec, Map<String, String> data, String where) {
    if (spec.endpoint == null) {
      return Optional.empty();
    }
    String wanted = normalize(spec.endpoint);
    String allowed = data.get(ENDPOINT) == null ? null : normalize(data.get(ENDPOINT));
    if (!wanted.equals(allowed)) {
      throw new SoracomSetupException(SoracomSetupException.ENDPOINT_NOT_ALLOWED, "spec.soracom.endpoint " + spec.endpoint
          + " is not allowed by " + where + ": credentials are sent to an endpoint override only if the Secret's '"
          + ENDPOINT + "' key holds the same URL");
    }
    try {
      URI uri = URI.create(wanted);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("not absolute");
      }
      return Optional.of(uri);
    } catch (IllegalArgumentException e) {
      throw new SoracomSetupException(SoracomSetupException.ENDPOINT_NOT_ALLOWED,
          "spec.soracom.endpoint " + spec.endpoint + " is not an absolute http(s) URL");
    }
  }

  private static String normalize(String url) {
    String trimmed = url.trim();
    return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }

  private static String decode(String base64) {
    try {
      return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8).trim();
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static String fingerprint(String keyId, String key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(keyId.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
