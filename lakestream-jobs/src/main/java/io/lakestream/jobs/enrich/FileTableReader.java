package io.lakestream.jobs.enrich;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.lakestream.api.config.ReferenceConfig;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reader of a reference table kept in a {@code .csv}, {@code .json} or {@code .ndjson}/{@code
 * .jsonl} file, which re-reads the file only when its modification time, size or identity changed.
 */
final class FileTableReader implements SnapshotReader {

  private static final Logger LOG = LoggerFactory.getLogger(ReferenceData.class);
  private static final int READ_ATTEMPTS = 3;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads exactly one JSON value (an NDJSON line, a Kafka record value): nothing may follow. */
  static final ObjectReader ONE_VALUE =
      JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /**
   * RFC 4180 with a header line. {@code ALL_NON_NULL} makes the parser tell an empty cell ({@code
   * a,,b}: null) from an empty quoted text ({@code a,"",b}: the empty string).
   */
  private static final CSVFormat CSV =
      CSVFormat.RFC4180
          .builder()
          .setHeader()
          .setSkipHeaderRecord(true)
          .setIgnoreEmptyLines(true)
          .setAllowMissingColumnNames(true)
          .setQuoteMode(QuoteMode.ALL_NON_NULL)
          .get();

  private enum Format {
    CSV,
    JSON,
    NDJSON
  }

  /** What identifies one version of the file without reading it. */
  private record Stamp(FileTime modified, long size, Object fileKey) {}

  private final ReferenceConfig cfg;
  private final Path path;
  private final String fileName;
  private final Format format;
  private final RowConverter converter;
  private Stamp lastRead;

  FileTableReader(ReferenceConfig cfg) {
    this.cfg = cfg;
    this.path = Path.of(cfg.path());
    this.fileName = String.valueOf(path.getFileName());
    this.format = formatOf(cfg, path);
    this.converter = new RowConverter(cfg);
  }

  private static Format formatOf(ReferenceConfig cfg, Path path) {
    String name = String.valueOf(path.getFileName()).toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      return Format.CSV;
    }
    if (name.endsWith(".json")) {
      return Format.JSON;
    }
    if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) {
      return Format.NDJSON;
    }
    throw new ReferenceDataException(
        "reference "
            + cfg.name()
            + ": cannot tell the format of "
            + path
            + " from its name. Name the file .csv (header line first), .json (an array of"
            + " objects) or .ndjson/.jsonl (one object per line).");
  }

  @Override
  public String describe() {
    return "file " + path;
  }

  @Override
  public Snapshot readIfChanged() {
    for (int attempt = 1; ; attempt++) {
      Stamp before = stamp();
      if (before.equals(lastRead)) {
        return null;
      }
      if (lastRead != null && before.size() == 0) {
        // Rewriting a file in place truncates it first; an empty table is never taken from a
        // zero-byte file while running, so a reader that comes at the wrong moment loses nothing.
        throw failure(
            "is empty (being rewritten in place?). Replace the file by"
                + " writing a temporary file next to it and renaming it over this one.");
      }
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(path);
      } catch (NoSuchFileException e) {
        throw missing();
      } catch (IOException e) {
        throw failure("cannot be read: " + e + ". Check that the file is readable.");
      }
      if (!stamp().equals(before)) {
        // written to while we read it: whatever we got may be half of it
        if (attempt < READ_ATTEMPTS) {
          continue;
        }
        throw failure(
            "kept changing while being read. Replace the file by writing a temporary file next"
                + " to it and renaming it over this one, so that readers see it whole.");
      }
      Snapshot snapshot = parse(bytes);
      lastRead = before;
      return snapshot;
    }
  }

  private Stamp stamp() {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        throw failure("is not a regular file. Point reference." + cfg.name() + ".path at a file.");
      }
      return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
    } catch (NoSuchFileException e) {
      throw missing();
    } catch (IOException e) {
      throw failure("cannot be read: " + e + ". Check that the file is readable.");
    }
  }

  private ReferenceDataException missing() {
    return failure(
        "does not exist. Check reference."
            + cfg.name()
            + ".path, and that the file is present on every machine that runs the pipeline.");
  }

  private ReferenceDataException failure(String what) {
    return new ReferenceDataException("reference " + cfg.name() + ": file " + path + " " + what);
  }

  private Snapshot parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a byte order mark, as spreadsheet programs write
    }
    LoadWarnings warnings = LoadWarnings.held(LOG, cfg.name(), path.toString());
    TableBuilder table = new TableBuilder(cfg.key(), converter, warnings);
    switch (format) {
      case CSV -> parseCsv(text, table, warnings);
      case JSON -> parseJsonArray(text, table, warnings);
      case NDJSON -> parseNdjson(text, table, warnings);
    }
    return new Snapshot(table.rows(), warnings);
  }

  private static String cell(CSVRecord record, int index) {
    return index < record.size() ? record.get(index) : null;
  }

  private void parseCsv(String text, TableBuilder table, LoadWarnings warnings) {
    try (CSVParser parser = CSVParser.parse(new StringReader(text), CSV)) {
      List<String> header = parser.getHeaderNames();
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < header.size(); i++) {
        // spaces after the commas of a hand-written header are not part of the names
        index.putIfAbsent(header.get(i).strip(), i);
      }
      List<String> missing = new ArrayList<>();
      Integer keyIndex = index.get(cfg.key());
      if (keyIndex == null) {
        missing.add(cfg.key());
      }
      int[] columns = new int[converter.width()];
      for (int c = 0; c < columns.length; c++) {
        Integer i = index.get(converter.names().get(c));
        if (i == null) {
          missing.add(converter.names().get(c));
        } else {
          columns[c] = i;
        }
      }
      if (!missing.isEmpty()) {
        throw failure(
            "lacks the column(s) "
                + String.join(", ", missing)
                + (header.isEmpty()
                    ? "; it has no header line."
                    : "; its header line is: " + String.join(",", header) + ".")
                + " The first line must name the columns; check reference."
                + cfg.name()
                + ".key and .columns against it.");
      }
      for (CSVRecord record : parser) {
        // the line the record ends on: the line itself unless a quoted value spans lines
        String where = fileName + ":" + parser.getCurrentLineNumber();
        if (record.size() != header.size()) {
          warnings.warn(
              where,
              record.size()
                  + " values where the header has "
                  + header.size()
                  + (record.size() < header.size()
                      ? "; the missing ones are null"
                      : "; the extra ones are ignored"));
        }
        table.add(cell(record, keyIndex), c -> cell(record, columns[c]), where);
      }
    } catch (IOException
        | UncheckedIOException
        | IllegalArgumentException
        | IllegalStateException e) {
      throw failure(
          "is not valid CSV: "
              + message(e)
              + ". Fix the file (RFC 4180: quote values holding commas, quotes or line breaks,"
              + " doubling quotes inside them).");
    }
  }

  private void parseJsonArray(String text, TableBuilder table, LoadWarnings warnings) {
    ColumnsSeen seen = new ColumnsSeen();
    int count = 0;
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw failure(
            "does not hold a JSON array. A .json reference file is an array of objects, one per"
                + " row: [{\""
                + cfg.key()
                + "\": ...}, ...]; use .ndjson for one object per line.");
      }
      int index = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (p.currentToken() == null) {
          throw failure("ends inside its array (half written?).");
        }
        JsonNode node = JSON.readTree(p);
        String where = fileName + "[" + index++ + "]";
        if (node == null || !node.isObject()) {
          warnings.warn(where, "not a JSON object, so it is skipped");
          continue;
        }
        seen.add(node);
        count++;
        table.add(plain(node.get(cfg.key())), c -> plain(node.get(name(c))), where);
      }
      if (p.nextToken() != null) {
        throw failure("has more after its array.");
      }
    } catch (JsonProcessingException e) {
      throw failure(
          "is not valid JSON: "
              + e.getOriginalMessage()
              + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr())
              + ". Fix the file.");
    } catch (IOException e) {
      throw failure("cannot be read: " + e);
    }
    seen.check(count);
  }

  private void parseNdjson(String text, TableBuilder table, LoadWarnings warnings) {
    ColumnsSeen seen = new ColumnsSeen();
    int count = 0;
    int lineNo = 0;
    for (String line : text.split("\r?\n", -1)) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String where = fileName + ":" + lineNo;
      JsonNode node;
      try {
        node = ONE_VALUE.readTree(line);
      } catch (JsonProcessingException e) {
        // Not a bad row but a bad file: a line cut short is what a half-written file looks like.
        throw failure(
            "line " + lineNo + " is not valid JSON: " + e.getOriginalMessage() + ". Fix the line.");
      }
      if (!node.isObject()) {
        warnings.warn(where, "not a JSON object, so it is skipped");
        continue;
      }
      seen.add(node);
      count++;
      table.add(plain(node.get(cfg.key())), c -> plain(node.get(name(c))), where);
    }
    seen.check(count);
  }

  private String name(int column) {
    return converter.names().get(column);
  }

  /**
   * Which of the key and columns appear in at least one object: one that appears in none is
   * misspelt (in the file or the pipeline), which is an error as a missing CSV column is.
   */
  private final class ColumnsSeen {
    private boolean key;
    private final boolean[] columns = new boolean[converter.width()];

    void add(JsonNode node) {
      key |= node.has(cfg.key());
      for (int c = 0; c < columns.length; c++) {
        columns[c] |= node.has(name(c));
      }
    }

    void check(int objects) {
      if (objects == 0) {
        return;
      }
      List<String> missing = new ArrayList<>();
      if (!key) {
        missing.add(cfg.key());
      }
      for (int c = 0; c < columns.length; c++) {
        if (!columns[c]) {
          missing.add(name(c));
        }
      }
      if (!missing.isEmpty()) {
        throw failure(
            "has no object with the field(s) "
                + String.join(", ", missing)
                + ". Check reference."
                + cfg.name()
                + ".key and .columns against the file's field names.");
      }
    }
  }

  /** A JSON value as a plain Java value; objects and arrays as their JSON text. */
  static Object plain(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return null;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isBigInteger()) {
      // as a BigDecimal, so that one beyond the long range fails as a long instead of wrapping
      return new BigDecimal(n.bigIntegerValue());
    }
    if (n.isNumber()) {
      return n.numberValue();
    }
    return n.toString();
  }

  private static String message(Exception e) {
    Throwable t = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
    return Objects.requireNonNullElse(t.getMessage(), t.toString());
  }
}
