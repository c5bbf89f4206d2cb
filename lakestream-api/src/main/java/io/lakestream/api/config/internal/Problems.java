package io.lakestream.api.config.internal;

import io.lakestream.api.config.PipelineConfigException.Problem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Collects the problems found while reading a pipeline file, so that all of them can be reported at
 * once instead of one per run.
 */
public final class Problems {

  private final List<Problem> problems = new ArrayList<>();

  /** Records a problem at a SnakeYAML mark (0-based), or with no position when it is null. */
  public void add(String path, Mark mark, String message) {
    if (mark == null) {
      add(path, 0, 0, message);
    } else {
      add(path, mark.getLine() + 1, mark.getColumn() + 1, message);
    }
  }

  /** Records a problem at the start of a node. */
  public void add(String path, Node node, String message) {
    add(path, node == null ? null : node.getStartMark(), message);
  }

  /** Records a problem at a 1-based line and column (0 when unknown). */
  public void add(String path, int line, int column, String message) {
    problems.add(new Problem(path, line, column, message));
  }

  /** Whether nothing has been recorded. */
  public boolean isEmpty() {
    return problems.isEmpty();
  }

  /**
   * The problems by line, then column; those without a position first. Checks do not run in file
   * order (sources are read before the gateway that refers to them), hence the sort; it is stable
   * so problems at the same place keep the order they were found in.
   */
  public List<Problem> inFileOrder() {
    List<Problem> sorted = new ArrayList<>(problems);
    sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
    return sorted;
  }
}
