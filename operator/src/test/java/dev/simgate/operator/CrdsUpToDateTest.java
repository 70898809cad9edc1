package dev.simgate.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** crds/ is committed; it must be exactly what the build generates from the api.v1alpha1 classes. */
class CrdsUpToDateTest {
  private static final List<String> FILES = List.of(
      "virtualprivategateways.simgate.dev-v1.yml", "gatepeers.simgate.dev-v1.yml", "devicesubnets.simgate.dev-v1.yml");

  @Test
  void committedCrdsMatchGeneratedOnes() throws IOException {
    Path generated = Path.of("target/classes/META-INF/fabric8");
    Path committed = Path.of(System.getProperty("simgate.crds.dir", "../crds"));
    for (String file : FILES) {
      assertThat(generated.resolve(file)).as("generated CRD %s (run mvn -pl operator process-classes)", file).exists();
      assertThat(Files.readString(committed.resolve(file)))
          .as("crds/%s is out of date: cp operator/target/classes/META-INF/fabric8/*.yml crds/", file)
          .isEqualTo(Files.readString(generated.resolve(file)));
    }
    try (var listing = Files.list(generated)) {
      assertThat(listing.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrderElementsOf(FILES);
    }
  }
}
