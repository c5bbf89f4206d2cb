package io.lakestream.search;

import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.util.automaton.TooComplexToDeterminizeException;

/**
 * Turns a query string into a Lucene query, enforcing the cheap static limits first (length,
 * parenthesis depth) and the structural ones after parsing (total leaf clauses), and mapping every
 * parser failure to a {@link SearchException} with a position.
 */
final class QueryCompiler {

  private static final Pattern COLUMN = Pattern.compile("column (\\d+)");

  private final IndexSchema schema;
  private final Analyzer analyzer;
  private final SearchLimits limits;
  private final LongSupplier clock;

  QueryCompiler(IndexSchema schema, Analyzer analyzer, SearchLimits limits, LongSupplier clock) {
    this.schema = schema;
    this.analyzer = analyzer;
    this.limits = limits;
    this.clock = clock;
  }

  Query compile(String query) {
    if (query.length() > limits.maxQueryLength()) {
      throw new SearchException(
          "query is "
              + query.length()
              + " characters long; the limit is "
              + limits.maxQueryLength());
    }
    String q = query.strip();
    if (q.isEmpty() || q.equals("*") || q.equals("*:*")) {
      return new MatchAllDocsQuery();
    }
    checkDepth(q);
    Query parsed;
    try {
      parsed = new EventQueryParser(schema, analyzer, limits, clock).parse(q);
    } catch (ParseException e) {
      throw syntaxError(e);
    } catch (IndexSearcher.TooManyClauses e) {
      throw tooManyClauses();
    } catch (TooComplexToDeterminizeException e) {
      throw new SearchException("wildcard or regular expression is too complex", -1, e);
    } catch (IllegalArgumentException e) {
      throw new SearchException("invalid query: " + e.getMessage(), -1, e);
    }
    int clauses = countLeaves(parsed);
    if (clauses > limits.maxClauses()) {
      throw tooManyClauses();
    }
    return parsed;
  }

  private SearchException tooManyClauses() {
    return new SearchException(
        "query has too many clauses; the limit is " + limits.maxClauses() + " terms in total");
  }

  /** Parenthesis depth outside quoted phrases, honouring backslash escapes. */
  private void checkDepth(String q) {
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < q.length(); i++) {
      char c = q.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
        if (depth > limits.maxDepth()) {
          throw new SearchException(
              "query nests parentheses deeper than " + limits.maxDepth() + " levels", i + 1, null);
        }
      } else if (!quoted && c == ')') {
        depth = Math.max(0, depth - 1);
      }
    }
  }

  static int countLeaves(Query q) {
    int[] n = {0};
    q.visit(
        new QueryVisitor() {
          @Override
          public void consumeTerms(Query query, Term... terms) {
            n[0] += 1;
          }

          @Override
          public void visitLeaf(Query query) {
            n[0] += 1;
          }

          @Override
          public QueryVisitor getSubVisitor(BooleanClause.Occur occur, Query parent) {
            return this;
          }
        });
    return n[0];
  }

  private static SearchException syntaxError(ParseException e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    if (cause instanceof IndexSearcher.TooManyClauses) {
      return new SearchException("query has too many clauses", -1, e);
    }
    String detail = cause.getMessage() == null ? "" : cause.getMessage();
    int position = -1;
    Matcher m = COLUMN.matcher(detail);
    if (m.find()) {
      position = Integer.parseInt(m.group(1));
    }
    String first = detail.lines().findFirst().orElse("").trim();
    String hint = "";
    if (detail.contains("<EOF>")) {
      hint = " (unbalanced quote or parenthesis, or an operator without an operand?)";
    }
    String msg =
        "invalid query syntax"
            + (position > 0 ? " at position " + position : "")
            + ": "
            + first
            + hint;
    return new SearchException(msg, position, e);
  }
}
