package dev.simgate.testkit;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what a docker-archive image tarball is tagged as, so names are not written down twice. */
public final class ImageArchives {

  private static final Pattern FIRST_TAG = Pattern.compile("\"RepoTags\"\\s*:\\s*\\[\\s*\"([^\"]+)\"");

  private ImageArchives() {}

  /** The first {@code RepoTags} entry of the archive's manifest.json, e.g. {@code simgate/agent:0.1.0}. */
  public static String repoTag(Path archive) {
    String manifest = Command.check("tar", "-xOf", archive.toString(), "manifest.json");
    Matcher matcher = FIRST_TAG.matcher(manifest);
    if (!matcher.find()) {
      throw new IllegalStateException(archive + " has no RepoTags in its manifest.json");
    }
    return matcher.group(1);
  }
}
