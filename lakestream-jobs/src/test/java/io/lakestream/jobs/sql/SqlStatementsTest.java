package io.lakestream.jobs.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.api.config.AggregationConfig;
import io.lakestream.api.config.JoinConfig;
import io.lakestream.api.config.JoinConfig.Direction;
import io.lakestream.api.config.WindowConfig;
import io.lakestream.api.config.WindowConfig.Type;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlStatementsTest {

  @Nested
  class Names {

    @Test
    void viewNames() {
      assertThat(SqlStatements.curatedView("sensors")).isEqualTo("sensors$curated");
      assertThat(SqlStatements.aggregationInputView("stats")).isEqualTo("stats$input");
    }

    @Test
    void quoteWrapsInBackQuotes() {
      assertThat(SqlStatements.quote("device_id")).isEqualTo("`device_id`");
      assertThat(SqlStatements.quote("sensors$curated")).isEqualTo("`sensors$curated`");
    }

    @Test
    void quoteDoublesABackQuoteInside() {
      assertThat(SqlStatements.quote("a`b")).isEqualTo("`a``b`");
      assertThat(SqlStatements.quote("`")).isEqualTo("````");
    }
  }

  @Nested
  class Intervals {

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource(
        delimiter = '|',
        value = {
          // whole seconds that are no whole minute
          "1000        | INTERVAL '1' SECOND(2)",
          "45000       | INTERVAL '45' SECOND(2)",
          "90000       | INTERVAL '90' SECOND(2)",
          "125000      | INTERVAL '125' SECOND(3)",
          // whole minutes, hours and days in the largest unit that divides them
          "60000       | INTERVAL '1' MINUTE(2)",
          "300000      | INTERVAL '5' MINUTE(2)",
          "5400000     | INTERVAL '90' MINUTE(2)",
          "6000000     | INTERVAL '100' MINUTE(3)",
          "3600000     | INTERVAL '1' HOUR(2)",
          "36000000    | INTERVAL '10' HOUR(2)",
          "360000000   | INTERVAL '100' HOUR(3)",
          "86400000    | INTERVAL '1' DAY(2)",
          "604800000   | INTERVAL '7' DAY(2)",
          "8640000000  | INTERVAL '100' DAY(3)",
          // zero has no larger unit
          "0           | INTERVAL '0' SECOND(2)",
          // fractions of a second
          "1500        | INTERVAL '1.500' SECOND(2, 3)",
          "250         | INTERVAL '0.250' SECOND(2, 3)",
          "1           | INTERVAL '0.001' SECOND(2, 3)",
          "90001       | INTERVAL '90.001' SECOND(2, 3)",
          "125500      | INTERVAL '125.500' SECOND(3, 3)",
          "3600500     | INTERVAL '3600.500' SECOND(4, 3)",
        })
    void largestExactUnitWithEnoughDigits(long millis, String expected) {
      assertThat(SqlStatements.interval(Duration.ofMillis(millis))).isEqualTo(expected);
    }

    @Test
    void moreThanTwoDigitsOfSecondsBecomeMinutesWhenTheyDivide() {
      assertThat(SqlStatements.interval(Duration.ofSeconds(300)))
          .isEqualTo("INTERVAL '5' MINUTE(2)");
      assertThat(SqlStatements.interval(Duration.ofSeconds(90)))
          .isEqualTo("INTERVAL '90' SECOND(2)");
      assertThat(SqlStatements.interval(Duration.ofHours(48))).isEqualTo("INTERVAL '2' DAY(2)");
      assertThat(SqlStatements.interval(Duration.ofMinutes(150)))
          .isEqualTo("INTERVAL '150' MINUTE(3)");
    }
  }

  @Nested
  class Aggregations {

    private static final String WINDOW_COLUMNS =
        "SELECT CAST(window_start AS TIMESTAMP_LTZ(3)) AS `window_start`,"
            + " CAST(window_end AS TIMESTAMP_LTZ(3)) AS `window_end`";

    private static Map<String, String> measures(String... nameThenExpression) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < nameThenExpression.length; i += 2) {
        m.put(nameThenExpression[i], nameThenExpression[i + 1]);
      }
      return m;
    }

    private static AggregationConfig aggregation(
        String name,
        String from,
        WindowConfig window,
        List<String> groupBy,
        Map<String, String> measures,
        String where) {
      return new AggregationConfig(
          name, from, window, groupBy, measures, where, "aggregations." + name, 40);
    }

    @Test
    void tumble() {
      AggregationConfig a =
          aggregation(
              "sensor_stats_5m",
              "sensors",
              new WindowConfig(Type.TUMBLE, Duration.ofMinutes(5), null, null),
              List.of("device_id", "site"),
              measures("readings", "COUNT(*)", "p95_temperature", "PERCENTILE(temperature, 0.95)"),
              null);

      assertThat(SqlStatements.aggregation(a))
          .isEqualTo(
              WINDOW_COLUMNS
                  + ", `device_id`, `site`, (COUNT(*)) AS `readings`,"
                  + " (PERCENTILE(temperature, 0.95)) AS `p95_temperature`"
                  + " FROM TABLE(TUMBLE(TABLE `sensors$curated`, DESCRIPTOR(`event_time`),"
                  + " INTERVAL '5' MINUTE(2)))"
                  + " GROUP BY window_start, window_end, `device_id`, `site`");
      assertThat(SqlStatements.aggregationInput(a)).isNull();
    }

    @Test
    void hopTakesTheSlideBeforeTheSize() {
      AggregationConfig a =
          aggregation(
              "site_activity_15m",
              "sensors",
              new WindowConfig(Type.HOP, Duration.ofMinutes(15), Duration.ofMinutes(5), null),
              List.of("site"),
              measures("active_devices", "COUNT(DISTINCT device_id)"),
              null);

      assertThat(SqlStatements.aggregation(a))
          .isEqualTo(
              WINDOW_COLUMNS
                  + ", `site`, (COUNT(DISTINCT device_id)) AS `active_devices`"
                  + " FROM TABLE(HOP(TABLE `sensors$curated`, DESCRIPTOR(`event_time`),"
                  + " INTERVAL '5' MINUTE(2), INTERVAL '15' MINUTE(2)))"
                  + " GROUP BY window_start, window_end, `site`");
    }

    @Test
    void sessionIsPartitionedByTheGroupByField() {
      AggregationConfig a =
          aggregation(
              "user_sessions",
              "clickstream",
              new WindowConfig(Type.SESSION, null, null, Duration.ofMinutes(30)),
              List.of("user_id"),
              measures("events", "COUNT(*)", "pages", "COUNT(DISTINCT page)"),
              null);

      assertThat(SqlStatements.aggregation(a))
          .isEqualTo(
              WINDOW_COLUMNS
                  + ", `user_id`, (COUNT(*)) AS `events`, (COUNT(DISTINCT page)) AS `pages`"
                  + " FROM TABLE(SESSION(TABLE `clickstream$curated` PARTITION BY (`user_id`),"
                  + " DESCRIPTOR(`event_time`), INTERVAL '30' MINUTE(2)))"
                  + " GROUP BY window_start, window_end, `user_id`");
    }

    // Two or more keys must be parenthesised: Flink reads "PARTITION BY `a`, `b`, DESCRIPTOR(...)"
    // as one key followed by a column argument (PipelineSqlTest.aSessionOverTwoGroupByFieldsPlans
    // plans such a window).

    @Test
    void sessionWithoutGroupByHasNoPartition() {
      AggregationConfig a =
          aggregation(
              "all_sessions",
              "clickstream",
              new WindowConfig(Type.SESSION, null, null, Duration.ofSeconds(90)),
              List.of(),
              measures("events", "COUNT(*)"),
              null);

      assertThat(SqlStatements.aggregation(a))
          .isEqualTo(
              WINDOW_COLUMNS
                  + ", (COUNT(*)) AS `events`"
                  + " FROM TABLE(SESSION(TABLE `clickstream$curated`, DESCRIPTOR(`event_time`),"
                  + " INTERVAL '90' SECOND(2)))"
                  + " GROUP BY window_start, window_end");
    }

    @Test
    void whereFiltersIntoAnInputViewThatTheWindowReads() {
      AggregationConfig a =
          aggregation(
              "hot_devices",
              "sensors",
              new WindowConfig(Type.TUMBLE, Duration.ofMillis(1500), null, null),
              List.of("device_id"),
              measures("readings", "COUNT(*)"),
              "temperature > 30 AND site = 'berlin'");

      assertThat(SqlStatements.aggregationInput(a))
          .isEqualTo("SELECT * FROM `sensors$curated` WHERE temperature > 30 AND site = 'berlin'");
      assertThat(SqlStatements.aggregation(a))
          .isEqualTo(
              WINDOW_COLUMNS
                  + ", `device_id`, (COUNT(*)) AS `readings`"
                  + " FROM TABLE(TUMBLE(TABLE `hot_devices$input`, DESCRIPTOR(`event_time`),"
                  + " INTERVAL '1.500' SECOND(2, 3)))"
                  + " GROUP BY window_start, window_end, `device_id`");
    }

    @Test
    void oddNamesAreQuoted() {
      AggregationConfig a =
          aggregation(
              "odd",
              "my`source",
              new WindowConfig(Type.TUMBLE, Duration.ofHours(1), null, null),
              List.of("group"),
              measures("select", "COUNT(*)"),
              null);

      assertThat(SqlStatements.aggregation(a))
          .isEqualTo(
              WINDOW_COLUMNS
                  + ", `group`, (COUNT(*)) AS `select`"
                  + " FROM TABLE(TUMBLE(TABLE `my``source$curated`, DESCRIPTOR(`event_time`),"
                  + " INTERVAL '1' HOUR(2)))"
                  + " GROUP BY window_start, window_end, `group`");
    }
  }

  @Nested
  class Joins {

    private static final List<String> CLICK_COLUMNS =
        List.of("event_id", "event_time", "ingest_time", "user_id", "page", "segment");
    private static final List<String> TXN_COLUMNS =
        List.of("event_id", "event_time", "ingest_time", "txn_id", "user_id", "amount");

    private static final String SYSTEM_COLUMNS =
        "SELECT CAST(`clickstream`.`event_time` AS TIMESTAMP_LTZ(3)) AS `event_time`,"
            + " `clickstream`.`event_id` AS `clickstream_event_id`,"
            + " `transactions`.`event_id` AS `transactions_event_id`,"
            + " CAST(`transactions`.`event_time` AS TIMESTAMP_LTZ(3))"
            + " AS `transactions_event_time`";

    private static final String DEFAULT_SELECT =
        ", `clickstream`.`user_id` AS `clickstream_user_id`,"
            + " `clickstream`.`page` AS `clickstream_page`,"
            + " `clickstream`.`segment` AS `clickstream_segment`,"
            + " `transactions`.`txn_id` AS `transactions_txn_id`,"
            + " `transactions`.`user_id` AS `transactions_user_id`,"
            + " `transactions`.`amount` AS `transactions_amount`";

    private static final String FROM =
        " FROM `clickstream$curated` AS `clickstream`"
            + " JOIN `transactions$curated` AS `transactions`"
            + " ON `clickstream`.`user_id` = `transactions`.`user_id`"
            + " AND `transactions`.`event_time` BETWEEN ";

    private static JoinConfig join(Direction direction, Map<String, String> select) {
      return new JoinConfig(
          "clicks_to_payments",
          "clickstream",
          "transactions",
          "user_id",
          "user_id",
          Duration.ofMinutes(30),
          direction,
          select,
          "joins.clicks_to_payments",
          70);
    }

    @Test
    void afterBoundsTheRightTimeFromTheLeftTimeUpwards() {
      assertThat(SqlStatements.join(join(Direction.AFTER, Map.of()), CLICK_COLUMNS, TXN_COLUMNS))
          .isEqualTo(
              SYSTEM_COLUMNS
                  + DEFAULT_SELECT
                  + FROM
                  + "`clickstream`.`event_time`"
                  + " AND (`clickstream`.`event_time` + INTERVAL '30' MINUTE(2))");
    }

    @Test
    void beforeBoundsTheRightTimeFromBelowUpToTheLeftTime() {
      assertThat(SqlStatements.join(join(Direction.BEFORE, Map.of()), CLICK_COLUMNS, TXN_COLUMNS))
          .isEqualTo(
              SYSTEM_COLUMNS
                  + DEFAULT_SELECT
                  + FROM
                  + "(`clickstream`.`event_time` - INTERVAL '30' MINUTE(2))"
                  + " AND `clickstream`.`event_time`");
    }

    @Test
    void bothBoundsTheRightTimeOnEitherSide() {
      assertThat(SqlStatements.join(join(Direction.BOTH, Map.of()), CLICK_COLUMNS, TXN_COLUMNS))
          .isEqualTo(
              SYSTEM_COLUMNS
                  + DEFAULT_SELECT
                  + FROM
                  + "(`clickstream`.`event_time` - INTERVAL '30' MINUTE(2))"
                  + " AND (`clickstream`.`event_time` + INTERVAL '30' MINUTE(2))");
    }

    @Test
    void explicitSelectReplacesThePrefixedColumnsInOrder() {
      Map<String, String> select = new LinkedHashMap<>();
      select.put("user_id", "clickstream.user_id");
      select.put("page", "clickstream.page");
      select.put("amount_cents", "CAST(transactions.amount * 100 AS BIGINT)");

      assertThat(SqlStatements.join(join(Direction.AFTER, select), CLICK_COLUMNS, TXN_COLUMNS))
          .isEqualTo(
              SYSTEM_COLUMNS
                  + ", (clickstream.user_id) AS `user_id`, (clickstream.page) AS `page`,"
                  + " (CAST(transactions.amount * 100 AS BIGINT)) AS `amount_cents`"
                  + FROM
                  + "`clickstream`.`event_time`"
                  + " AND (`clickstream`.`event_time` + INTERVAL '30' MINUTE(2))");
    }

    @Test
    void differentFieldNamesAndSubSecondBounds() {
      JoinConfig j =
          new JoinConfig(
              "readings_near_alerts",
              "sensors",
              "alerts",
              "device_id",
              "sensor",
              Duration.ofMillis(2500),
              Direction.BOTH,
              Map.of(),
              "joins.readings_near_alerts",
              80);

      assertThat(
              SqlStatements.join(
                  j,
                  List.of("event_id", "event_time", "ingest_time", "device_id"),
                  List.of("event_id", "event_time", "ingest_time", "sensor")))
          .isEqualTo(
              "SELECT CAST(`sensors`.`event_time` AS TIMESTAMP_LTZ(3)) AS `event_time`,"
                  + " `sensors`.`event_id` AS `sensors_event_id`,"
                  + " `alerts`.`event_id` AS `alerts_event_id`,"
                  + " CAST(`alerts`.`event_time` AS TIMESTAMP_LTZ(3)) AS `alerts_event_time`,"
                  + " `sensors`.`device_id` AS `sensors_device_id`,"
                  + " `alerts`.`sensor` AS `alerts_sensor`"
                  + " FROM `sensors$curated` AS `sensors`"
                  + " JOIN `alerts$curated` AS `alerts`"
                  + " ON `sensors`.`device_id` = `alerts`.`sensor`"
                  + " AND `alerts`.`event_time` BETWEEN"
                  + " (`sensors`.`event_time` - INTERVAL '2.500' SECOND(2, 3))"
                  + " AND (`sensors`.`event_time` + INTERVAL '2.500' SECOND(2, 3))");
    }
  }
}
