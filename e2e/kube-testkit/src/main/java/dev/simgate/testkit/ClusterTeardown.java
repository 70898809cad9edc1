package dev.simgate.testkit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes everything a cluster put on the machine, from its {@link ClusterLayout} alone: so the same code runs at a
 * normal close and, for a cluster whose JVM was killed, at the next cluster's start. Order matters: stop what restarts
 * containers (kubelet), stop the containers (by their cgroups: a killed shim leaves them running), stop the runtime and
 * its shims, unmount, then remove namespaces and cgroups and put back the kernel settings. Idempotent.
 */
final class ClusterTeardown {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterTeardown.class);
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final Path POD_LOG_LINKS = Path.of("/var/log/containers");
  static final Path SHIM_SOCKETS = Path.of("/run/containerd");
  static final String CREATED_LOG_LINKS = "created-var-log-containers";
  static final String CREATED_SHIM_SOCKETS = "created-run-containerd";

  private ClusterTeardown() {}

  static void run(ClusterLayout layout) {
    String dir = layout.dir() + "/";
    // kubelet and kube-proxy first (kubelet would restart stopped containers), then containers, then containerd
    signalByCommandLine(dir, "kubelet", "kube-proxy");
    stopContainers(layout.cgroupTop());
    signalByCommandLine(dir, "containerd", "containerd-shim-runc-v2");
    unmountBelow(layout.dir());
    ClusterNetwork.remove(layout);
    for (int attempt = 0; attempt < 20 && !HostState.removeCgroup(layout.cgroupTop()); attempt++) {
      sleep(250); // processes that just died may hold their cgroups for a moment
    }
    HostState.restoreSysctls(layout.sysctlsFile());
    removePodLogLinks(layout);
    if (Files.exists(layout.dir().resolve(CREATED_SHIM_SOCKETS))) {
      deleteEmptyDirs(SHIM_SOCKETS); // containerd's shim sockets dir: machine-wide, but ours if we created it
    }
  }

  /**
   * SIGTERM to our processes named {@code names} (their command lines name a file in the cluster's directory, as a
   * shim's names its containerd socket), then SIGKILL after a grace period.
   */
  private static void signalByCommandLine(String dir, String... names) {
    List<ProcessHandle> ours;
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      ours = all.filter(p -> {
            Optional<String> line = p.info().commandLine();
            return line.isPresent() && line.get().contains(dir) && isOneOf(p, names);
          })
          .toList();
    }
    terminate(ours);
  }

  private static boolean isOneOf(ProcessHandle process, String... names) {
    String command = process.info().command().orElse("");
    String binary = command.substring(command.lastIndexOf('/') + 1);
    return List.of(names).contains(binary); // nsenter execs the binary: no wrapper process is left
  }

  private static void stopContainers(String cgroup) {
    List<ProcessHandle> processes = new ArrayList<>();
    for (long pid : HostState.processesIn(cgroup)) {
      ProcessHandle.of(pid).ifPresent(processes::add);
    }
    terminate(processes);
  }

  private static void terminate(List<ProcessHandle> processes) {
    if (processes.isEmpty()) {
      return;
    }
    processes.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + GRACE.toNanos();
    while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      sleep(100);
    }
    processes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    deadline = System.nanoTime() + GRACE.toNanos();
    while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      sleep(100);
    }
  }

  /** Unmounts (lazily, deepest first) every mount at or below {@code dir}: kubelet volumes, rootfs, pod netns. */
  static void unmountBelow(Path dir) {
    for (int pass = 0; pass < 3; pass++) {
      List<String> mounts = mountsBelow(dir);
      if (mounts.isEmpty()) {
        return;
      }
      for (String mount : mounts.reversed()) {
        Command.run("umount", "--lazy", mount);
      }
    }
    List<String> left = mountsBelow(dir);
    if (!left.isEmpty()) {
      LOG.atWarn().addKeyValue("mounts", left).log("could not unmount everything of a test cluster");
    }
  }

  static List<String> mountsBelow(Path dir) {
    String prefix = dir.toString();
    List<String> mounts = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String mountPoint = unescape(line.split(" ")[4]);
        if (mountPoint.equals(prefix) || mountPoint.startsWith(prefix + "/")) {
          mounts.add(mountPoint);
        }
      }
    } catch (IOException e) {
      LOG.atWarn().log("cannot read /proc/self/mountinfo: " + e.getMessage());
    }
    return mounts;
  }

  private static String unescape(String field) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** kubelet links each container log into /var/log/containers; remove our links (and the directory if ours). */
  private static void removePodLogLinks(ClusterLayout layout) {
    if (!Files.isDirectory(POD_LOG_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> links = Files.newDirectoryStream(POD_LOG_LINKS)) {
      for (Path link : links) {
        if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).startsWith(layout.dir())) {
          Files.deleteIfExists(link);
        }
      }
    } catch (IOException e) {
      LOG.atWarn().addKeyValue("dir", POD_LOG_LINKS).log("cannot remove pod log links: " + e.getMessage());
    }
    if (Files.exists(layout.dir().resolve(CREATED_LOG_LINKS))) {
      deleteEmptyDirs(POD_LOG_LINKS);
    }
  }

  /** Deletes {@code dir} if nothing but empty directories and dead sockets remain in it. */
  private static void deleteEmptyDirs(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
      if (all.stream().allMatch(p -> Files.isDirectory(p) || isSocket(p))) {
        for (Path path : all) {
          Files.deleteIfExists(path);
        }
      }
    } catch (IOException e) {
      LOG.atWarn().addKeyValue("dir", dir).log("cannot remove: " + e.getMessage());
    }
  }

  private static boolean isSocket(Path path) {
    try {
      return "socket".equals(Command.check("stat", "-c", "%F", path.toString()).strip());
    } catch (AssertionError e) {
      return false;
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
