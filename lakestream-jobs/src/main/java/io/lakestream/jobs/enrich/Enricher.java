package io.lakestream.jobs.enrich;

import io.lakestream.api.config.EnrichConfig;
import io.lakestream.api.config.ReferenceConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.table.data.GenericRowData;

/**
 * The enrichment of a source's events for one parallel task: each step looks a field of the row up
 * in a reference table and writes the row it finds (or nulls) into other fields of the row.
 *
 * <p>Built on the client and shipped to the tasks; {@link #open()} loads the reference tables in
 * the task (one {@link ReferenceData} per reference, shared by the steps that use it), and {@link
 * #enrich} is then called for every event on the task thread.
 */
public final class Enricher implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The prefix of the reason an event without a reference row is routed to the error zone for. */
  public static final String NO_ROW = "enrich: no reference row for key ";

  /**
   * One enrichment step, with the row positions it reads and writes.
   *
   * @param config the step as configured
   * @param reference the reference table it looks up ({@code config.reference()} names it)
   * @param onIndex position in the row of the field whose value is looked up
   * @param outputIndexes position in the row to write each added column to
   * @param referenceColumnIndexes for each added column, its index in {@code reference.columns()}
   */
  public record Step(
      EnrichConfig config,
      ReferenceConfig reference,
      int onIndex,
      int[] outputIndexes,
      int[] referenceColumnIndexes)
      implements Serializable {

    public Step {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(reference, "reference");
      if (!config.reference().equals(reference.name())) {
        throw new IllegalArgumentException(
            "step refers to reference " + config.reference() + " but got " + reference.name());
      }
      outputIndexes = outputIndexes.clone();
      referenceColumnIndexes = referenceColumnIndexes.clone();
      if (outputIndexes.length != referenceColumnIndexes.length) {
        throw new IllegalArgumentException(
            "outputIndexes and referenceColumnIndexes differ in length: "
                + outputIndexes.length
                + " and "
                + referenceColumnIndexes.length);
      }
      for (int i : referenceColumnIndexes) {
        if (i < 0 || i >= reference.columns().size()) {
          throw new IllegalArgumentException(
              "reference " + reference.name() + " has no column " + i);
        }
      }
    }
  }

  private final List<Step> steps;
  private final String kafkaBootstrapServers;
  private final HashMap<String, String> kafkaProperties;

  private transient Map<String, ReferenceData> tables;
  private transient ReferenceData[] stepTables;

  /**
   * @param kafkaBootstrapServers the pipeline's Kafka, for references of type kafka
   * @param kafkaProperties the pipeline's Kafka client properties, for references of type kafka
   */
  public Enricher(
      List<Step> steps, String kafkaBootstrapServers, Map<String, String> kafkaProperties) {
    this.steps = List.copyOf(steps);
    this.kafkaBootstrapServers = kafkaBootstrapServers;
    this.kafkaProperties =
        kafkaProperties == null ? new HashMap<>() : new HashMap<>(kafkaProperties);
  }

  /**
   * Loads every reference table the steps use.
   *
   * @throws ReferenceDataException when one cannot be loaded; those already loaded are closed
   */
  public void open() {
    Map<String, ReferenceConfig> references = new LinkedHashMap<>();
    for (Step step : steps) {
      references.putIfAbsent(step.reference().name(), step.reference());
    }
    Map<String, ReferenceData> opened = new LinkedHashMap<>();
    try {
      for (ReferenceConfig reference : references.values()) {
        opened.put(
            reference.name(),
            ReferenceData.open(reference, kafkaBootstrapServers, kafkaProperties));
      }
    } catch (RuntimeException e) {
      closeAll(opened.values(), e);
      throw e;
    }
    ReferenceData[] perStep = new ReferenceData[steps.size()];
    for (int i = 0; i < perStep.length; i++) {
      perStep[i] = opened.get(steps.get(i).reference().name());
    }
    this.tables = opened;
    this.stepTables = perStep;
  }

  /**
   * Enriches a row in place.
   *
   * @return {@code null}, or when a step with {@code on_missing: error} finds no row, the reason
   *     ({@code enrich: no reference row for key 'X' (reference devices, field device_id)}); a step
   *     with {@code keep} leaves its columns null instead
   */
  public String enrich(GenericRowData row) {
    ReferenceData[] lookups = stepTables;
    if (lookups == null) {
      throw new IllegalStateException("Enricher.open() was not called");
    }
    for (int s = 0; s < lookups.length; s++) {
      Step step = steps.get(s);
      String key = Keys.text(row.getField(step.onIndex()));
      Object[] found = lookups[s].lookup(key);
      int[] out = step.outputIndexes();
      int[] from = step.referenceColumnIndexes();
      if (found == null) {
        if (step.config().onMissing() == EnrichConfig.OnMissing.ERROR) {
          return NO_ROW
              + (key == null ? "null" : "'" + key + "'")
              + " (reference "
              + step.reference().name()
              + ", field "
              + step.config().on()
              + ")";
        }
        for (int i : out) {
          row.setField(i, null);
        }
      } else {
        for (int i = 0; i < out.length; i++) {
          row.setField(out[i], found[from[i]]);
        }
      }
    }
    return null;
  }

  /** The data version of a reference table ({@link ReferenceData#version()}). */
  public long referenceVersion(String referenceName) {
    Map<String, ReferenceData> t = tables;
    if (t == null) {
      throw new IllegalStateException("Enricher.open() was not called");
    }
    ReferenceData data = t.get(referenceName);
    if (data == null) {
      throw new IllegalArgumentException(
          "no step uses reference " + referenceName + "; these do: " + t.keySet());
    }
    return data.version();
  }

  /** Stops refreshing the reference tables and lets them go. */
  public void close() {
    Map<String, ReferenceData> t = tables;
    tables = null;
    stepTables = null;
    if (t != null) {
      closeAll(t.values(), null);
    }
  }

  private static void closeAll(Iterable<ReferenceData> all, RuntimeException failure) {
    List<RuntimeException> errors = new ArrayList<>();
    for (ReferenceData d : all) {
      try {
        d.close();
      } catch (RuntimeException e) {
        errors.add(e);
      }
    }
    if (failure != null) {
      errors.forEach(failure::addSuppressed);
    } else if (!errors.isEmpty()) {
      RuntimeException first = errors.get(0);
      errors.subList(1, errors.size()).forEach(first::addSuppressed);
      throw first;
    }
  }
}
