package dev.simgate.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What real nodes change on the machine itself, outside their own network namespaces and directories: the
 * machine-wide lock (one cluster at a time: kubelets share the kernel's sysctls and cgroup hierarchies), the kernel
 * settings a kubelet rewrites at start (saved, then restored), and the cgroup subtree each kubelet is rooted in.
 */
final class HostState {

  private static final Logger LOG = LoggerFactory.getLogger(HostState.class);
  private static final Path LOCK = Path.of("/run/lock/simgate-kube-cluster.lock");
  private static final Path CGROUPS = Path.of("/sys/fs/cgroup");
  private static final Path PROC_SYS = Path.of("/proc/sys");

  /** What kubelet rewrites at start when protectKernelDefaults is false (pkg/kubelet/cm/container_manager_linux.go). */
  static final List<String> KUBELET_SYSCTLS = List.of(
      "vm/overcommit_memory", "vm/panic_on_oom", "kernel/panic", "kernel/panic_on_oops",
      "kernel/keys/root_maxkeys", "kernel/keys/root_maxbytes");

  private HostState() {}

  /** Takes the machine-wide cluster lock, waiting up to {@code timeout}; closing the returned lock releases it. */
  static FileLock lockMachine(Duration timeout) throws IOException {
    Files.createDirectories(LOCK.getParent());
    FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean logged = false;
    while (true) {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return lock;
      }
      if (!logged) {
        LOG.atInfo().addKeyValue("lock", LOCK).log("another test cluster runs on this machine: waiting for it");
        logged = true;
      }
      if (System.nanoTime() > deadline) {
        channel.close();
        throw new IllegalStateException("another SimGate test cluster held " + LOCK + " for " + timeout.toMinutes()
            + " min; real nodes share the machine's kernel settings and cgroups, so only one runs at a time");
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        channel.close();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + LOCK, e);
      }
    }
  }

  /** Writes the current values of {@link #KUBELET_SYSCTLS} to {@code file}. */
  static void saveSysctls(Path file) throws IOException {
    Properties values = new Properties();
    for (String key : KUBELET_SYSCTLS) {
      values.setProperty(key, readKernelFile(PROC_SYS.resolve(key)));
    }
    try (Writer out = Files.newBufferedWriter(file)) {
      values.store(out, "kernel settings before the kubelets started");
    }
  }

  /** Puts back the values saved in {@code file}, if any. */
  static void restoreSysctls(Path file) {
    if (!Files.isRegularFile(file)) {
      return;
    }
    Properties values = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      values.load(in);
    } catch (IOException e) {
      LOG.atWarn().addKeyValue("file", file).log("cannot read saved kernel settings");
      return;
    }
    for (String key : values.stringPropertyNames()) {
      try {
        Path sysctl = PROC_SYS.resolve(key);
        if (!readKernelFile(sysctl).equals(values.getProperty(key))) {
          Files.writeString(sysctl, values.getProperty(key));
        }
      } catch (IOException e) {
        LOG.atWarn().addKeyValue("sysctl", key).log("cannot restore a kernel setting: " + e.getMessage());
      }
    }
  }

  /**
   * A /proc or cgroup file's value. Such files report size 0, and Files.readString then returns only the first byte
   * (seen with Java 25: "1000000" read as "1"), so read the stream to its end.
   */
  static String readKernelFile(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
    }
  }

  /** The cgroup v1 hierarchies (and the v2 mount of a hybrid host) that kubelet and runc create cgroups in. */
  static List<Path> cgroupHierarchies() {
    List<Path> hierarchies = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(CGROUPS)) {
      for (Path dir : dirs) {
        if (Files.isRegularFile(dir.resolve("cgroup.procs"))) {
          hierarchies.add(dir);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + CGROUPS, e);
    }
    hierarchies.sort(Comparator.naturalOrder());
    return hierarchies;
  }

  /**
   * Creates {@code path} (e.g. {@code /simgate-x/node-1}) in every hierarchy: kubelet refuses a cgroup root that does
   * not exist in each. A new v1 cpuset cgroup starts with no CPUs and no memory nodes, so those are copied down.
   */
  static void createCgroup(String path) throws IOException {
    for (Path hierarchy : cgroupHierarchies()) {
      Path parent = hierarchy;
      for (String part : path.substring(1).split("/")) {
        Path child = parent.resolve(part);
        if (!Files.isDirectory(child)) {
          Files.createDirectory(child);
          for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
            if (Files.exists(parent.resolve(file))) {
              Files.writeString(child.resolve(file), readKernelFile(parent.resolve(file)));
            }
          }
        }
        parent = child;
      }
    }
  }

  /** Every process in {@code path} or below, by the pids hierarchy (or any hierarchy that has it). */
  static List<Long> processesIn(String path) {
    List<Long> pids = new ArrayList<>();
    for (Path hierarchy : cgroupHierarchies()) {
      Path top = hierarchy.resolve(path.substring(1));
      if (!Files.isDirectory(top)) {
        continue;
      }
      try (Stream<Path> procs = Files.walk(top).filter(p -> p.getFileName().toString().equals("cgroup.procs"))) {
        for (Path procsFile : procs.toList()) {
          for (String line : Files.readAllLines(procsFile)) {
            if (!line.isBlank()) {
              pids.add(Long.parseLong(line.strip()));
            }
          }
        }
      } catch (IOException | UncheckedIOException e) {
        // a cgroup removed while walking: its processes are gone
      }
      if (hierarchy.getFileName().toString().equals("pids")) {
        break; // complete on its own
      }
    }
    return pids.stream().distinct().toList();
  }

  /** Removes {@code path} and everything below it from every hierarchy (its processes must be gone). */
  static boolean removeCgroup(String path) {
    boolean removedAll = true;
    for (Path hierarchy : cgroupHierarchies()) {
      Path top = hierarchy.resolve(path.substring(1));
      if (!Files.isDirectory(top)) {
        continue;
      }
      try (Stream<Path> dirs = Files.walk(top).filter(Files::isDirectory)) {
        for (Path dir : dirs.sorted(Comparator.reverseOrder()).toList()) {
          try {
            Files.delete(dir); // rmdir: a cgroup directory's files are virtual
          } catch (IOException e) {
            removedAll = false;
          }
        }
      } catch (IOException | UncheckedIOException e) {
        removedAll = false;
      }
    }
    return removedAll;
  }
}
