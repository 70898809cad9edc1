package dev.simgate.agent.node;

import dev.simgate.contract.agentconfig.ConfigException;
import dev.simgate.contract.nodepolicy.NodePolicy;
import dev.simgate.contract.nodepolicy.NodePolicyCodec;

/**
 * This node's policy from two sources: its own document and the steering table every node shares
 * ({@link NodePolicy#TABLE_CONFIG_MAP}), joined into one document ({@link NodePolicyCodec#join}) each time either
 * changes. Nothing is handed on until both have been heard from (a node agent that starts does not apply its policy
 * without routes first); a table that does not parse is trouble (what is in force stays), while an own document that
 * does not parse is handed on as it is, so the agent reports it as it would without a table.
 */
final class TableJoin implements PolicySource {
  private final PolicySource own;
  private final PolicySource table;
  private final Object lock = new Object();
  private Listener listener;
  private boolean ownHeard;
  private boolean tableHeard;
  private String ownDocument;
  private String tableDocument;

  TableJoin(PolicySource own, PolicySource table) {
    this.own = own;
    this.table = table;
  }

  @Override
  public void start(Listener listener) {
    this.listener = listener;
    own.start(new Listener() {
      @Override
      public void document(String json) {
        heardOwn(json);
      }

      @Override
      public void absent() {
        heardOwn(null);
      }

      @Override
      public void trouble(String problem) {
        listener.trouble(problem);
      }
    });
    table.start(new Listener() {
      @Override
      public void document(String json) {
        heardTable(json);
      }

      @Override
      public void absent() {
        heardTable(null);
      }

      @Override
      public void trouble(String problem) {
        listener.trouble(problem);
      }
    });
  }

  private void heardOwn(String json) {
    synchronized (lock) {
      ownHeard = true;
      ownDocument = json;
      handOn();
    }
  }

  private void heardTable(String json) {
    synchronized (lock) {
      tableHeard = true;
      tableDocument = json;
      handOn();
    }
  }

  private void handOn() {
    if (!ownHeard || !tableHeard) {
      return;
    }
    if (ownDocument == null) {
      listener.absent();
      return;
    }
    NodePolicy joined;
    try {
      NodePolicyCodec.parse(ownDocument);
    } catch (ConfigException e) {
      listener.document(ownDocument); // the agent names what is wrong with it
      return;
    }
    try {
      joined = NodePolicyCodec.join(ownDocument, tableDocument);
    } catch (ConfigException e) {
      listener.trouble(table.describe() + ": " + e.getMessage());
      return;
    }
    listener.document(NodePolicyCodec.write(joined));
  }

  @Override
  public String describe() {
    return own.describe() + " joined with " + table.describe();
  }

  @Override
  public void close() {
    own.close();
    table.close();
  }
}
