package io.lakestream.api.config;

import java.util.List;

/**
 * A pipeline file that cannot be used. Carries every problem found, each with its YAML path and
 * line, so a user can fix them all in one go.
 */
public class PipelineConfigException extends RuntimeException {

  private final List<Problem> problems;

  public PipelineConfigException(String file, List<Problem> problems) {
    super(render(file, problems));
    this.problems = List.copyOf(problems);
  }

  /** The problems found, in file order. */
  public List<Problem> problems() {
    return problems;
  }

  private static String render(String file, List<Problem> problems) {
    StringBuilder sb = new StringBuilder();
    sb.append(file)
        .append(": ")
        .append(problems.size())
        .append(problems.size() == 1 ? " problem" : " problems");
    for (Problem p : problems) {
      sb.append(System.lineSeparator()).append("  ").append(p.render(file));
    }
    return sb.toString();
  }

  /**
   * One mistake in a pipeline file.
   *
   * @param path YAML path such as {@code sources.sensors.event_time.format}
   * @param line 1-based line, or 0 when unknown (e.g. a missing top-level key)
   * @param column 1-based column, or 0 when unknown
   * @param message what is wrong and what to do
   */
  public record Problem(String path, int line, int column, String message) {
    /** {@code file:line:column: path: message}. */
    public String render(String file) {
      String where = line > 0 ? file + ":" + line + (column > 0 ? ":" + column : "") : file;
      return where + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
  }
}
