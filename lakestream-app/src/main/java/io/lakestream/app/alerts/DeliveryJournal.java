package io.lakestream.app.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.notify.DeliveryOutcome;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What the alert dispatcher has done, kept in the data directory across restarts:
 *
 * <ul>
 *   <li>{@code notified} — one line per alert event (alert id and status) whose notifications are
 *       finished, so an alert the job emits again after a failure is not sent twice;
 *   <li>{@code deliveries.jsonl} — one JSON line per finished delivery (channel, alert id,
 *       delivered or failed, attempts, HTTP status, error), the record of failures to look at.
 * </ul>
 *
 * <p>Both files are trimmed to their newest half when they grow past a limit.
 */
final class DeliveryJournal implements AutoCloseable {

  static final int MAX_KEYS = 100_000;
  static final long MAX_DELIVERY_BYTES = 32L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path notifiedFile;
  private final Path deliveriesFile;
  private final LinkedHashSet<String> notified = new LinkedHashSet<>();
  private BufferedWriter notifiedOut;
  private BufferedWriter deliveriesOut;

  DeliveryJournal(Path dir) {
    try {
      Files.createDirectories(dir);
      notifiedFile = dir.resolve("notified");
      deliveriesFile = dir.resolve("deliveries.jsonl");
      if (Files.exists(notifiedFile)) {
        notified.addAll(Files.readAllLines(notifiedFile, StandardCharsets.UTF_8));
        notified.remove("");
      }
      trimKeys();
      notifiedOut = append(notifiedFile);
      deliveriesOut = append(deliveriesFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the alert delivery journal in " + dir, e);
    }
  }

  private static BufferedWriter append(Path file) throws IOException {
    return Files.newBufferedWriter(
        file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Whether the notifications of this alert event were finished before. */
  synchronized boolean notified(String key) {
    return notified.contains(key);
  }

  /** Records that the notifications of this alert event are finished. */
  synchronized void markNotified(String key) {
    if (!notified.add(key)) {
      return;
    }
    try {
      notifiedOut.write(key);
      notifiedOut.write('\n');
      notifiedOut.flush();
      if (notified.size() > MAX_KEYS) {
        notifiedOut.close();
        trimKeys();
        notifiedOut = append(notifiedFile);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + notifiedFile, e);
    }
  }

  /** Records a finished delivery. */
  synchronized void record(DeliveryOutcome o) {
    ObjectNode n = JSON.createObjectNode();
    n.put("time", Instant.now().toString());
    n.put("channel", o.channelName());
    n.put("alert_id", o.alertId());
    n.put("delivery_id", o.deliveryId());
    n.put("status", o.status().name().toLowerCase(java.util.Locale.ROOT));
    n.put("attempts", o.attempts());
    if (o.httpStatus() > 0) {
      n.put("http_status", o.httpStatus());
    }
    if (o.error() != null) {
      n.put("error", o.error());
    }
    n.put("elapsed_ms", o.elapsedMillis());
    try {
      deliveriesOut.write(JSON.writeValueAsString(n));
      deliveriesOut.write('\n');
      deliveriesOut.flush();
      if (Files.size(deliveriesFile) > MAX_DELIVERY_BYTES) {
        deliveriesOut.close();
        List<String> lines = Files.readAllLines(deliveriesFile, StandardCharsets.UTF_8);
        rewrite(deliveriesFile, lines.subList(lines.size() / 2, lines.size()));
        deliveriesOut = append(deliveriesFile);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + deliveriesFile, e);
    }
  }

  private void trimKeys() throws IOException {
    if (notified.size() <= MAX_KEYS) {
      return;
    }
    List<String> keep = new ArrayList<>(notified);
    keep = keep.subList(keep.size() - MAX_KEYS / 2, keep.size());
    notified.clear();
    notified.addAll(keep);
    rewrite(notifiedFile, keep);
  }

  private static void rewrite(Path file, List<String> lines) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public synchronized void close() throws IOException {
    notifiedOut.close();
    deliveriesOut.close();
  }
}
