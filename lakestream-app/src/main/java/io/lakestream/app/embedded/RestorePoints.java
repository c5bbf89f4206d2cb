package io.lakestream.app.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the newest Flink savepoint or retained checkpoint under a data directory, so that {@code
 * up} resumes where the last run stopped, whether it stopped cleanly (savepoint) or not
 * (checkpoint).
 */
final class RestorePoints {

  private final Path savepoints;
  private final Path checkpoints;

  RestorePoints(Path flinkDir) {
    this.savepoints = flinkDir.resolve("savepoints");
    this.checkpoints = flinkDir.resolve("checkpoints");
  }

  Path savepointDir() {
    return savepoints;
  }

  Path checkpointDir() {
    return checkpoints;
  }

  /** The newest complete restore point (a folder holding {@code _metadata}), if any. */
  Optional<Path> newest() {
    return all().stream().findFirst();
  }

  /** Deletes all restore points but the newest {@code keep}. */
  void prune(int keep) {
    List<Path> points = all();
    for (Path p : points.subList(Math.min(keep, points.size()), points.size())) {
      EmbeddedLakestream.deleteTree(p);
    }
  }

  private List<Path> all() {
    try (Stream<Path> a = metadataFiles(savepoints, 2);
        Stream<Path> b = metadataFiles(checkpoints, 3)) {
      return Stream.concat(a, b)
          .sorted(Comparator.comparing(RestorePoints::mtime).reversed())
          .map(Path::getParent)
          .toList();
    }
  }

  private static Stream<Path> metadataFiles(Path root, int depth) {
    if (!Files.isDirectory(root)) {
      return Stream.empty();
    }
    try {
      return Files.find(
          root,
          depth,
          (p, attrs) -> attrs.isRegularFile() && p.getFileName().toString().equals("_metadata"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long mtime(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
