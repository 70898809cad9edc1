package dev.simgate.contract.http;

/**
 * Limits of the JDK's HTTP server, which it reads once from system properties: a request (line and headers) must
 * arrive within {@link #REQUEST_SECONDS} and a response leave within {@link #RESPONSE_SECONDS}, or the connection is
 * closed; an idle or silent connection is closed after {@link #IDLE_SECONDS}; at most {@link #CONNECTIONS}
 * connections per listener; headers at most {@link #HEADER_BYTES} bytes. Without them one client that sends half a
 * request holds its connection (and, on the default single thread, the whole server) for ever. Properties already
 * set (e.g. with -D) win. Must run before the first server is created. The operator's and the agents' endpoints
 * share them.
 */
public final class HttpLimits {
  public static final int REQUEST_SECONDS = 5;
  public static final int RESPONSE_SECONDS = 10;
  public static final int IDLE_SECONDS = 10;
  public static final int CONNECTIONS = 32;
  public static final int HEADER_BYTES = 8 * 1024;
  public static final int BACKLOG = 16;

  private HttpLimits() {}

  public static void apply() {
    setIfAbsent("sun.net.httpserver.maxReqTime", REQUEST_SECONDS);
    setIfAbsent("sun.net.httpserver.maxRspTime", RESPONSE_SECONDS);
    setIfAbsent("sun.net.httpserver.idleInterval", IDLE_SECONDS);
    // how often idle connections are looked for (default 10 s), and timed-out requests (default 1 s)
    setIfAbsent("sun.net.httpserver.clockTick", 1000);
    setIfAbsent("sun.net.httpserver.timerMillis", 500);
    setIfAbsent("jdk.httpserver.maxConnections", CONNECTIONS);
    setIfAbsent("sun.net.httpserver.maxReqHeaderSize", HEADER_BYTES);
    setIfAbsent("sun.net.httpserver.maxReqHeaders", 32);
  }

  private static void setIfAbsent(String key, int value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, Integer.toString(value));
    }
  }
}
