package dev.simgate.operator.status;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer cache that keeps only what its controller reads of each object: with 100,000 devices in DeviceSubnets and
 * a thousand Nodes and agent pods, full copies in every informer that watches them (each controller has its own) would
 * be most of the operator's heap. Update filters compare the new object with the kept one, so they may read only kept
 * fields.
 */
public final class PrunedStore<T extends HasMetadata> extends BasicItemStore<T> {
  private final UnaryOperator<T> prune;

  public PrunedStore(UnaryOperator<T> prune) {
    super(Cache::metaNamespaceKeyFunc);
    this.prune = prune;
  }

  @Override
  public T put(String key, T object) {
    return super.put(key, prune.apply(object));
  }

  /**
   * The SHA-256 of {@code content}, in hex: what a cache keeps of a large object it only compares (the object as
   * written, or as desired, digested the same way).
   */
  public static String digest(String content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(content.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Identity, version and lifecycle of an object: what every cache needs. */
  public static ObjectMeta identity(ObjectMeta metadata) {
    return new ObjectMetaBuilder()
        .withName(metadata.getName())
        .withNamespace(metadata.getNamespace())
        .withUid(metadata.getUid())
        .withResourceVersion(metadata.getResourceVersion())
        .withGeneration(metadata.getGeneration())
        .withCreationTimestamp(metadata.getCreationTimestamp())
        .withDeletionTimestamp(metadata.getDeletionTimestamp())
        .build();
  }
}
