package io.lakestream.api.config.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Expands {@code ${name}} and {@code ${name:-default}} in pipeline file values, the way a shell
 * does: the default applies when the variable is unset or empty, and may itself contain variables.
 * {@code $${...}} stands for a literal {@code ${...}}, for the rare value (a token, say) that
 * contains one.
 */
public final class Variables {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private Variables() {}

  /**
   * The text with its variables expanded, or the errors that prevented it.
   *
   * @param value the expanded text; meaningless when there are errors
   * @param errors what went wrong, one message per bad or undefined variable
   */
  public record Result(String value, List<String> errors) {
    public Result {
      errors = List.copyOf(errors);
    }

    /** Whether expansion succeeded. */
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  /**
   * Expands the variables in {@code text}.
   *
   * @param lookup the value of a variable, or {@code null} when it is not defined
   */
  public static Result expand(String text, Function<String, String> lookup) {
    List<String> errors = new ArrayList<>();
    String value = expand(text, lookup, errors);
    return new Result(value, errors);
  }

  private static String expand(String text, Function<String, String> lookup, List<String> errors) {
    if (text.indexOf('$') < 0) {
      return text; // the common case
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      if (text.startsWith("$${", i)) {
        out.append("${");
        i += 3;
      } else if (text.startsWith("${", i)) {
        int close = closingBrace(text, i + 2);
        if (close < 0) {
          errors.add(
              "unterminated '${' in '"
                  + text
                  + "'; close it with '}' (write '$${' for a literal '${')");
          return text;
        }
        out.append(resolve(text.substring(i + 2, close), lookup, errors));
        i = close + 1;
      } else {
        out.append(text.charAt(i++));
      }
    }
    return out.toString();
  }

  /** Index of the '}' closing a '${' whose body starts at {@code from}, allowing nesting. */
  private static int closingBrace(String text, int from) {
    int depth = 1;
    for (int i = from; i < text.length(); i++) {
      if (text.startsWith("${", i)) {
        depth++;
        i++;
      } else if (text.charAt(i) == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private static String resolve(
      String expression, Function<String, String> lookup, List<String> errors) {
    int sep = expression.indexOf(":-");
    String name = sep < 0 ? expression : expression.substring(0, sep);
    if (!NAME.matcher(name).matches()) {
      errors.add(
          "invalid variable name '"
              + name
              + "' in '${"
              + expression
              + "}'; use letters, digits and '_', e.g. ${MY_VAR} or ${MY_VAR:-default}");
      return "";
    }
    String value = lookup.apply(name);
    if (sep >= 0 && (value == null || value.isEmpty())) {
      return expand(expression.substring(sep + 2), lookup, errors);
    }
    if (value == null) {
      errors.add(
          "undefined variable '"
              + name
              + "'; set it in the environment (export "
              + name
              + "=...) or give a default: ${"
              + name
              + ":-value}");
      return "";
    }
    return value;
  }
}
