package dev.simgate.operator.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay between the operator and the API server (TLS passes through untouched) that can take the API server
 * away from the operator: while cut, a connection that sends anything is closed and new connections are closed at
 * once, so no request of the operator's reaches the API server, while the watches it already has open keep
 * delivering (a watch sends nothing after its request). The operator thus sees a change it cannot act on, the
 * situation in which its retries run out.
 */
final class ApiProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  ApiProxy(String serverUrl) throws IOException {
    URI uri = URI.create(serverUrl);
    target = new InetSocketAddress(uri.getHost(), uri.getPort());
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("api-proxy-accept").start(this::accept);
  }

  /** The URL the operator connects to instead of the API server's. */
  String url() {
    return "https://127.0.0.1:" + server.getLocalPort();
  }

  void cut() {
    cut = true;
  }

  void restore() {
    cut = false;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (cut) {
          client.close();
          continue;
        }
        Socket upstream = new Socket(target.getAddress(), target.getPort());
        sockets.add(client);
        sockets.add(upstream);
        Thread.ofVirtual().start(() -> relay(client, upstream, true));
        Thread.ofVirtual().start(() -> relay(upstream, client, false));
      } catch (IOException e) {
        // closed, or the API server refused: the client sees its connection end
      }
    }
  }

  private void relay(Socket from, Socket to, boolean request) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (request && cut) {
          break;
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away
    } finally {
      close(from);
      close(to);
    }
  }

  private void close(Socket socket) {
    sockets.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    sockets.forEach(this::close);
  }
}
