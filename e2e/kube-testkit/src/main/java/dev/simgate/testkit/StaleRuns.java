package dev.simgate.testkit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work directories of control planes, each marked with its owning JVM. A JVM killed with SIGKILL runs no shutdown hook,
 * so its etcd and kube-apiserver would run on forever: the next control plane started on the machine stops the
 * processes of work directories whose owner is gone and removes those directories. Live owners are never touched.
 */
final class StaleRuns {

  static final String PREFIX = "simgate-kube-";
  private static final String OWNER_FILE = "owner";
  private static final Logger LOG = LoggerFactory.getLogger(StaleRuns.class);

  private StaleRuns() {}

  /** A fresh work directory under {@code parent}, marked as owned by this JVM. */
  static Path createWorkDir(Path parent) throws IOException {
    return createWorkDir(parent, PREFIX);
  }

  /** A fresh directory named {@code prefix...} under {@code parent}, marked as owned by this JVM. */
  static Path createWorkDir(Path parent, String prefix) throws IOException {
    Path dir = Files.createTempDirectory(parent, prefix);
    ProcessHandle self = ProcessHandle.current();
    Files.writeString(dir.resolve(OWNER_FILE), self.pid() + " " + startOf(self).map(Instant::toString).orElse("-"));
    return dir;
  }

  /** Stops the processes of, and removes, every work directory under {@code parent} whose owner JVM has exited. */
  static void reap(Path parent) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, PREFIX + "*")) {
      for (Path dir : dirs) {
        if (ownerGone(dir)) {
          reapOne(dir);
        }
      }
    } catch (IOException e) {
      LOG.atDebug().addKeyValue("dir", parent).log("could not scan for stale control planes");
    }
  }

  private static void reapOne(Path dir) {
    String path = dir + "/"; // every component argument names a file inside the directory
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      all.filter(p -> p.info().commandLine().map(c -> c.contains(path)).orElse(false))
          .forEach(ProcessHandle::destroyForcibly);
    }
    deleteRecursively(dir);
    LOG.atInfo().addKeyValue("dir", dir).log("removed a control plane left behind by a JVM that was killed");
  }

  /** True when {@code dir} is marked with an owner JVM that has exited. */
  static boolean ownerGone(Path dir) throws IOException {
    Path owner = dir.resolve(OWNER_FILE);
    return Files.isRegularFile(owner) && !isAlive(Files.readString(owner).strip());
  }

  private static boolean isAlive(String owner) {
    String[] parts = owner.split(" ");
    try {
      Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(parts[0]));
      // the start time tells a live owner from an unrelated process that reuses its PID
      return process.isPresent()
          && process.get().isAlive()
          && (parts.length < 2 || parts[1].equals("-")
              || startOf(process.get()).map(Instant::toString).orElse("-").equals(parts[1]));
    } catch (NumberFormatException e) {
      return true; // not ours to judge
    }
  }

  private static Optional<Instant> startOf(ProcessHandle process) {
    return process.info().startInstant();
  }

  static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.atWarn().addKeyValue("dir", dir).log("could not remove a control plane's work directory");
    }
  }
}
