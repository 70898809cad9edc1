package dev.simgate.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-run secrets: bearer tokens of the control-plane users (a static token file for kube-apiserver) and the service
 * account signing key. The control-plane users are in {@code system:masters}; the names only tell the components apart
 * in logs. Real nodes add users with their own groups: kubelets ({@code system:node:<name>} in {@code system:nodes},
 * for the Node authorizer) and kube-proxy (bound to {@code system:node-proxier} by the apiserver's default RBAC).
 */
final class Credentials {

  static final String ADMIN = "simgate-admin";
  static final String CONTROLLER_MANAGER = "system:kube-controller-manager";
  static final String SCHEDULER = "system:kube-scheduler";
  static final String KWOK = "simgate-kwok";
  static final String KUBE_PROXY = "system:kube-proxy";
  static final String NODES_GROUP = "system:nodes";
  private static final String MASTERS_GROUP = "system:masters";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, String> tokens = new LinkedHashMap<>();
  private final Path tokenFile;
  private final Path serviceAccountKey;

  private Credentials(Path tokenFile, Path serviceAccountKey) {
    this.tokenFile = tokenFile;
    this.serviceAccountKey = serviceAccountKey;
  }

  static Credentials create(Path dir) throws IOException {
    return create(dir, Map.of());
  }

  /** @param extraUsers more users, each with its group (empty: none) */
  static Credentials create(Path dir, Map<String, String> extraUsers) throws IOException {
    Credentials credentials = new Credentials(dir.resolve("tokens.csv"), dir.resolve("sa.key"));
    Map<String, String> users = new LinkedHashMap<>();
    for (String user : new String[] {ADMIN, CONTROLLER_MANAGER, SCHEDULER, KWOK}) {
      users.put(user, MASTERS_GROUP);
    }
    users.putAll(extraUsers);
    StringBuilder csv = new StringBuilder();
    for (Map.Entry<String, String> user : users.entrySet()) {
      byte[] secret = new byte[24];
      RANDOM.nextBytes(secret);
      String token = HexFormat.of().formatHex(secret);
      credentials.tokens.put(user.getKey(), token);
      csv.append(token).append(',').append(user.getKey()).append(',').append(user.getKey())
          .append(",\"").append(user.getValue()).append("\"\n");
    }
    writePrivate(credentials.tokenFile, csv.toString());
    writePrivate(credentials.serviceAccountKey, rsaPrivateKeyPem());
    return credentials;
  }

  static String nodeUser(String nodeName) {
    return "system:node:" + nodeName;
  }

  String token(String user) {
    return tokens.get(user);
  }

  Path tokenFile() {
    return tokenFile;
  }

  /** PKCS#8 RSA key: kube-apiserver verifies and signs service account tokens with it, KCM signs legacy tokens. */
  Path serviceAccountKey() {
    return serviceAccountKey;
  }

  /** A kubeconfig for {@code user} that trusts the apiserver's certificate (a PEM bundle). */
  String kubeconfig(String serverUrl, String caPem, String user) {
    String ca = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8));
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: simgate-test
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: simgate-test
          context:
            cluster: simgate-test
            user: %s
            namespace: default
        current-context: simgate-test
        """
        .formatted(serverUrl, ca, user, token(user), user);
  }

  static void writePrivate(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content);
  }

  private static String rsaPrivateKeyPem() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
      return "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
          + "\n-----END PRIVATE KEY-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate the service account key", e);
    }
  }
}
