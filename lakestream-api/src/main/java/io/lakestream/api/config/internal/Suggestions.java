package io.lakestream.api.config.internal;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean ...?" hints for misspelt keys, names and enum values. */
public final class Suggestions {

  /** Candidates further than this many edits away are not suggested. */
  static final int MAX_DISTANCE = 2;

  private Suggestions() {}

  /**
   * The candidate closest to {@code word} when it is at most two edits away (ignoring case); the
   * first such candidate wins ties, so callers list the likelier ones first.
   */
  public static Optional<String> closest(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = MAX_DISTANCE + 1;
    for (String candidate : candidates) {
      int d = distance(word.toLowerCase(), candidate.toLowerCase());
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** {@code "; did you mean 'x'?"} or the empty string. */
  public static String didYouMean(String word, Collection<String> candidates) {
    return closest(word, candidates).map(c -> "; did you mean '" + c + "'?").orElse("");
  }

  /** {@code "; did you mean 'x'?"}, or a full stop when there is no close candidate. */
  public static String didYouMeanOrStop(String word, Collection<String> candidates) {
    String hint = didYouMean(word, candidates);
    return hint.isEmpty() ? "." : hint;
  }

  /**
   * A message for a word that is not one of the known ones, e.g. {@code unknown key 'pipline'; did
   * you mean 'pipeline'? Allowed keys: pipeline, sources}.
   *
   * @param what what the word is, e.g. {@code key} or {@code source type}
   * @param listLabel how to introduce the list of known words, e.g. {@code Allowed keys}
   */
  public static String unknown(
      String what, String word, Collection<String> known, String listLabel) {
    String list = listLabel + ": " + String.join(", ", known);
    return closest(word, known)
        .map(c -> "unknown " + what + " '" + word + "'; did you mean '" + c + "'? " + list)
        .orElse("unknown " + what + " '" + word + "'. " + list);
  }

  /**
   * Optimal string alignment distance: Levenshtein plus adjacent transpositions, which are the most
   * common typing slip ({@code pipleine}) and should count as one edit, not two.
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }
}
