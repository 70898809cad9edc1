package dev.simgate.agent.host;

import dev.simgate.contract.net.Ipv4;
import java.util.List;

/**
 * What the kernel drops before the agent sees it ({@link NftablesRules}): VXLAN datagrams to
 * {@code localAddress:port} from anyone but the VPG peers (the first lock of the door; the agent checks again), and
 * connections from the tunnel interface to the admin ports (the metrics listener may be on every address, the inner
 * one included, which SIMs reach).
 */
public record KernelFilter(Ipv4 localAddress, int port, List<Ipv4> vpgPeers, List<Integer> adminPorts) {
  /** The named nftables counter of the VXLAN datagrams dropped for coming from a non-peer. */
  public static final String NON_PEER_COUNTER = "non_peer";

  public KernelFilter {
    vpgPeers = List.copyOf(vpgPeers);
    adminPorts = List.copyOf(adminPorts);
  }
}
