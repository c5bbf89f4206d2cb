package io.lakestream.search;

import java.util.function.LongSupplier;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;

/**
 * The classic Lucene query parser taught the field types of an {@link IndexSchema}.
 *
 * <ul>
 *   <li>Unknown fields are an error (a typo would otherwise silently match nothing).
 *   <li>Long, double and time fields build point queries for {@code field:value} and {@code [a TO
 *       b]} / {@code {a TO b}} (open ends with {@code *}); a value that is not a number / time is
 *       an error. A date alone ({@code event_time:2026-12-01}) means the whole UTC day.
 *   <li>Wildcard, prefix, regex and fuzzy terms are refused on numeric fields; leading wildcards
 *       are refused unless the limits allow them. {@code field:*} means "the field is present".
 *   <li>Text and keyword fields go through the per-field analyzer: StandardAnalyzer for text,
 *       KeywordAnalyzer for keywords, so keyword terms are neither split nor lowercased (also for
 *       wildcard and prefix terms, which Lucene 9 normalizes with the same per-field analyzer).
 * </ul>
 */
final class EventQueryParser extends QueryParser {

  private final IndexSchema schema;
  private final SearchLimits limits;
  private final LongSupplier clock;

  EventQueryParser(IndexSchema schema, Analyzer analyzer, SearchLimits limits, LongSupplier clock) {
    super(IndexSchema.ALL, analyzer);
    this.schema = schema;
    this.limits = limits;
    this.clock = clock;
    setAllowLeadingWildcard(limits.allowLeadingWildcard());
    setSplitOnWhitespace(true);
    setAutoGeneratePhraseQueries(true);
    setMultiTermRewriteMethod(
        new org.apache.lucene.search.MultiTermQuery.TopTermsBlendedFreqScoringRewrite(
            limits.maxExpansions()));
  }

  private FieldKind kind(String field) {
    FieldKind k = schema.kindOf(field);
    if (k == null) {
      throw new SearchException(
          "unknown field '"
              + field
              + "'"
              + (IndexSchema.STORED_SOURCE.equals(field)
                  ? ": _source is stored, not searchable"
                  : ""));
    }
    return k;
  }

  private static boolean numeric(FieldKind k) {
    return k == FieldKind.LONG || k == FieldKind.DOUBLE || k == FieldKind.TIME;
  }

  @Override
  protected Query getFieldQuery(String field, String queryText, boolean quoted)
      throws ParseException {
    FieldKind k = kind(field);
    switch (k) {
      case LONG:
        return LongPoint.newExactQuery(field, parseLong(field, queryText));
      case DOUBLE:
        return DoublePoint.newExactQuery(field, parseDouble(field, queryText));
      case TIME:
        TimeValues.Span span = TimeValues.parse(field, queryText, clock);
        return LongPoint.newRangeQuery(field, span.from(), span.toExclusive() - 1);
      default:
        return super.getFieldQuery(field, queryText, quoted);
    }
  }

  @Override
  protected Query getRangeQuery(
      String field, String part1, String part2, boolean startInclusive, boolean endInclusive)
      throws ParseException {
    FieldKind k = kind(field);
    switch (k) {
      case LONG:
        {
          long lo = part1 == null ? Long.MIN_VALUE : parseLong(field, part1);
          long hi = part2 == null ? Long.MAX_VALUE : parseLong(field, part2);
          if (part1 != null && !startInclusive) {
            if (lo == Long.MAX_VALUE) {
              return new MatchNoDocsQuery();
            }
            lo++;
          }
          if (part2 != null && !endInclusive) {
            if (hi == Long.MIN_VALUE) {
              return new MatchNoDocsQuery();
            }
            hi--;
          }
          return LongPoint.newRangeQuery(field, lo, hi);
        }
      case DOUBLE:
        {
          double lo = part1 == null ? Double.NEGATIVE_INFINITY : parseDouble(field, part1);
          double hi = part2 == null ? Double.POSITIVE_INFINITY : parseDouble(field, part2);
          if (part1 != null && !startInclusive) {
            lo = Math.nextUp(lo);
          }
          if (part2 != null && !endInclusive) {
            hi = Math.nextDown(hi);
          }
          return DoublePoint.newRangeQuery(field, lo, hi);
        }
      case TIME:
        {
          long lo = Long.MIN_VALUE;
          long hi = Long.MAX_VALUE;
          if (part1 != null) {
            TimeValues.Span s = TimeValues.parse(field, part1, clock);
            lo = startInclusive ? s.from() : s.toExclusive();
          }
          if (part2 != null) {
            TimeValues.Span s = TimeValues.parse(field, part2, clock);
            hi = endInclusive ? s.toExclusive() - 1 : s.from() - 1;
          }
          return lo > hi ? new MatchNoDocsQuery() : LongPoint.newRangeQuery(field, lo, hi);
        }
      default:
        return super.getRangeQuery(field, part1, part2, startInclusive, endInclusive);
    }
  }

  @Override
  protected Query getWildcardQuery(String field, String termStr) throws ParseException {
    if ("*".equals(field)) {
      if ("*".equals(termStr)) {
        return newMatchAllDocsQuery();
      }
      throw new SearchException("'*' as a field name only works as '*:*'");
    }
    FieldKind k = kind(field);
    if ("*".equals(termStr)) {
      return new FieldExistsQuery(field);
    }
    if (numeric(k)) {
      throw new SearchException(
          "wildcards are not supported on "
              + k.name().toLowerCase()
              + " field '"
              + field
              + "': use a range like "
              + field
              + ":[a TO b]");
    }
    checkLeading(field, termStr);
    return super.getWildcardQuery(field, termStr);
  }

  @Override
  protected Query getPrefixQuery(String field, String termStr) throws ParseException {
    FieldKind k = kind(field);
    if (numeric(k)) {
      throw new SearchException(
          "prefix queries are not supported on "
              + k.name().toLowerCase()
              + " field '"
              + field
              + "': use a range like "
              + field
              + ":[a TO b]");
    }
    return super.getPrefixQuery(field, termStr);
  }

  @Override
  protected Query getRegexpQuery(String field, String termStr) throws ParseException {
    FieldKind k = kind(field);
    if (numeric(k)) {
      throw new SearchException("regular expressions are not supported on field '" + field + "'");
    }
    if (!limits.allowLeadingWildcard() && (termStr.startsWith(".") || termStr.startsWith("("))) {
      throw new SearchException(
          "regular expressions starting with '.' or '(' are not allowed: they scan every term of '"
              + field
              + "'");
    }
    return super.getRegexpQuery(field, termStr);
  }

  @Override
  protected Query getFuzzyQuery(String field, String termStr, float minSimilarity)
      throws ParseException {
    FieldKind k = kind(field);
    if (numeric(k)) {
      throw new SearchException("fuzzy queries are not supported on field '" + field + "'");
    }
    return super.getFuzzyQuery(field, termStr, minSimilarity);
  }

  private void checkLeading(String field, String termStr) {
    if (!limits.allowLeadingWildcard() && (termStr.startsWith("*") || termStr.startsWith("?"))) {
      throw new SearchException(
          "leading wildcards are not allowed ('"
              + field
              + ":"
              + termStr
              + "'): they scan every term of the field; start the pattern with a few characters");
    }
  }

  private static long parseLong(String field, String v) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new SearchException("'" + v + "' is not an integer (field '" + field + "' is a long)");
    }
  }

  private static double parseDouble(String field, String v) {
    try {
      double d = Double.parseDouble(v.trim());
      if (Double.isNaN(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new SearchException("'" + v + "' is not a number (field '" + field + "' is a double)");
    }
  }
}
