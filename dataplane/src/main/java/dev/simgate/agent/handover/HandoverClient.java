package dev.simgate.agent.handover;

import java.io.IOException;
import java.util.Optional;

/** The successor's side of a {@link Handover}: asks a running agent of the same interface for its descriptors. */
public final class HandoverClient {
  /** Sets the interface's alias (needs CAP_NET_ADMIN): the proof the running agent asks for. */
  public interface Prover {
    void setAlias(String interfaceName, String alias) throws IOException;
  }

  private HandoverClient() {}

  /**
   * Takes the TAP and socket over from the agent running for {@code interfaceName}, if there is one.
   *
   * @return the descriptors (now this process's), or empty when no agent listens
   * @throws IOException when one listens but the handover failed (it keeps running)
   */
  public static Optional<Handover.Fds> takeOver(String interfaceName, Prover prover) throws IOException {
    UnixSeqpacket running;
    try {
      running = UnixSeqpacket.connect(Handover.socketName(interfaceName), Handover.STEP_TIMEOUT);
    } catch (UnixSeqpacket.SocketError e) {
      if (e.errno == dev.simgate.agent.sys.Libc.ECONNREFUSED) {
        return Optional.empty();
      }
      throw e;
    }
    try (running) {
      running.send(Handover.HELLO + " " + interfaceName);
      String challenge = running.receive().text();
      if (!challenge.startsWith("prove ")) {
        throw new IOException("the running agent refused the handover: " + challenge);
      }
      prover.setAlias(interfaceName, Handover.ALIAS_PREFIX + challenge.substring("prove ".length()));
      running.send("proved");
      UnixSeqpacket.Message answer = running.receive();
      if (!answer.text().equals("fds") || answer.fds().length != 2) {
        throw new IOException("the running agent refused the handover: " + answer.text());
      }
      return Optional.of(new Handover.Fds(answer.fds()[0], answer.fds()[1]));
    }
  }
}
