package dev.simgate.operator.devicesubnet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.simgate.operator.soracom.model.Sim;
import dev.simgate.operator.soracom.model.Subscriber;

/**
 * What SimGate needs of one SIM, whether the API listed it as a {@code Sim} (a group) or as its {@code Subscriber}s (a
 * tag: one per IMSI).
 *
 * @param imsis the session's IMSI first
 * @param sessionAddress the online session's address, else null
 * @param sessionVpgId the VPG of the online session, when the API says
 */
record SimRecord(String simId, List<String> imsis, Map<String, String> tags, boolean online, String sessionAddress,
    String sessionVpgId) {

  static SimRecord of(Sim sim) {
    String vpgId = sim.sessionStatus() == null ? null : sim.sessionStatus().vpgId();
    return new SimRecord(sim.simId(), sim.imsis(), sim.tags() == null ? Map.of() : sim.tags(), sim.isOnline(),
        sim.sessionAddress().orElse(null), sim.isOnline() ? vpgId : null);
  }

  /** One SIM from its subscribers (same simId); the online one speaks for the session. */
  static SimRecord of(String simId, List<Subscriber> subscribers) {
    List<Subscriber> ordered = new ArrayList<>(subscribers);
    ordered.sort(Comparator.comparing((Subscriber s) -> !s.isOnline()).thenComparing(s -> String.valueOf(s.imsi())));
    Subscriber first = ordered.getFirst();
    Set<String> imsis = new LinkedHashSet<>();
    ordered.stream().map(Subscriber::imsi).filter(i -> i != null).forEach(imsis::add);
    String vpgId = first.isOnline() && first.sessionStatus() != null ? first.sessionStatus().vpgId() : null;
    return new SimRecord(simId, List.copyOf(imsis), first.tags() == null ? Map.of() : first.tags(), first.isOnline(),
        first.sessionAddress().orElse(null), vpgId);
  }
}
