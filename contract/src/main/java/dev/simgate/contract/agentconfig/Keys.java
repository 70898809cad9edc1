package dev.simgate.contract.agentconfig;

import java.util.Set;

/** The agent config's key names: one list for the parser and the writer. */
final class Keys {
  static final String VNI = "vni";
  static final String PORT = "port";
  static final String LOCAL_ADDRESS = "localAddress";
  static final String PEERS = "peers";
  static final String INTERFACE = "interface";
  static final String NAME = "name";
  static final String ADDRESS = "address";
  static final String MTU = "mtu";
  static final String ROUTES = "routes";
  static final String ADMIN = "admin";
  static final String LISTEN = "listen";
  static final String NODES = "nodes";
  static final String MAC_AGEING_SECONDS = "macAgeingSeconds";
  static final String BUSY_POLL_MICROS = "busyPollMicros";
  static final String MSS_CLAMP = "mssClamp";
  static final String MASQUERADE = "masquerade";
  static final String METRICS_LISTEN = "metricsListen";
  static final String PROBE = "probe";
  static final String KIND = "kind";
  static final String INTERVAL_MILLIS = "intervalMillis";
  static final String FAILURE_THRESHOLD = "failureThreshold";
  static final String INBOUND = "inbound";

  static final Set<String> TOP = Set.of(VNI, PORT, LOCAL_ADDRESS, PEERS, INTERFACE, ROUTES, ADMIN, NODES,
      MAC_AGEING_SECONDS, BUSY_POLL_MICROS, MSS_CLAMP, MASQUERADE, PROBE, INBOUND);
  static final Set<String> INTERFACE_KEYS = Set.of(NAME, ADDRESS, MTU);
  static final Set<String> ADMIN_KEYS = Set.of(LISTEN, METRICS_LISTEN);
  static final Set<String> PROBE_KEYS = Set.of(KIND, ADDRESS, INTERVAL_MILLIS, FAILURE_THRESHOLD);
  static final Set<String> NODE_KEYS = Set.of(LOCAL_ADDRESS, ADDRESS);

  private Keys() {}
}
