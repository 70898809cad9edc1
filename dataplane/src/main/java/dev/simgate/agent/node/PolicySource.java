package dev.simgate.agent.node;

/** Where this node's policy document comes from: the API (its ConfigMap) or a file. */
interface PolicySource extends AutoCloseable {
  /** What the source hears, on its own thread: each call hands the news on and returns. */
  interface Listener {
    /** The document as it is now (possibly unchanged). */
    void document(String json);

    /** There is no document (no ConfigMap, or no {@code policy.json} in it): nothing allowed, steered or exposed. */
    void absent();

    /** The source cannot be read now (it keeps trying); what is in force stays. */
    void trouble(String problem);
  }

  /** Starts reading, and keeps reading until {@link #close()}. */
  void start(Listener listener);

  /** Where it reads, for logs and /readyz ({@code ConfigMap simgate-system/simgate-node-a}). */
  String describe();

  @Override
  void close();
}
