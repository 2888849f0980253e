package dev.idvstreams.topology;

import dev.idvstreams.avro.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers every dead letter carries: Kafka Streams' KIP-1034 error headers, so that tooling
 * written for Kafka's own dead-letter queues reads ours, plus the stage and the code.
 */
public final class DeadLetterHeaders {

  public static final String EXCEPTION = "__streams.errors.exception";
  public static final String MESSAGE = "__streams.errors.message";
  public static final String TOPIC = "__streams.errors.topic";
  public static final String PARTITION = "__streams.errors.partition";
  public static final String OFFSET = "__streams.errors.offset";
  public static final String STAGE = "idv.errors.stage";
  public static final String CODE = "idv.errors.code";

  private DeadLetterHeaders() {}

  /**
   * The headers of {@code letter}.
   *
   * @param exception the class name of what went wrong (an exception, or the validator for a rule)
   */
  public static Headers of(String exception, DeadLetter letter) {
    Headers headers = new RecordHeaders();
    add(headers, EXCEPTION, exception);
    add(headers, MESSAGE, letter.getErrorMessage());
    add(headers, TOPIC, letter.getTopic());
    add(headers, PARTITION, String.valueOf(letter.getPartition()));
    add(headers, OFFSET, String.valueOf(letter.getOffset()));
    add(headers, STAGE, letter.getStage().name());
    add(headers, CODE, letter.getErrorCode());
    return headers;
  }

  private static void add(Headers headers, String key, String value) {
    headers.add(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }
}
