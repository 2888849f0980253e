package dev.idvstreams.jsonl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.BadRecordException;
import dev.idvstreams.serde.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One record of a configured topic as one JSON object: where it is ({@code topic},
 * {@code partition}, {@code offset}, {@code timestamp}), its {@code key}, its {@code headers}
 * (UTF-8 text) and its decoded {@code value}. Requests, also inside dead letters, are in the
 * format {@code produce} reads. A value that cannot be decoded is printed as {@code value: null}
 * with {@code decodeError} and the bytes in {@code rawValue} (base64).
 */
public final class RecordJson {

  private final Function<byte[], JsonNode> decoder;

  private RecordJson(Function<byte[], JsonNode> decoder) {
    this.decoder = decoder;
  }

  /**
   * The printer of {@code topic}, which must be one of the three configured topics: the topic
   * says which event type its values are.
   *
   * @throws IllegalArgumentException for any other topic
   */
  public static RecordJson forTopic(IdvConfig config, SchemaRegistryClient registry, String topic) {
    if (topic.equals(config.resultsTopic())) {
      AvroSerde<VerificationResult> serde = AvroSerde.forValues(VerificationResult.class, registry);
      return new RecordJson(bytes -> AvroJson.toJson(serde.deserialize(topic, bytes)));
    }
    if (topic.equals(config.deadLetterTopic())) {
      AvroSerde<DeadLetter> serde = AvroSerde.forValues(DeadLetter.class, registry);
      return new RecordJson(bytes -> deadLetter(serde.deserialize(topic, bytes)));
    }
    if (topic.equals(config.requestsTopic())) {
      AvroSerde<VerificationRequest> serde = AvroSerde.forValues(VerificationRequest.class, registry);
      return new RecordJson(bytes -> RequestJson.toJson(serde.deserialize(topic, bytes)));
    }
    throw new IllegalArgumentException("topic " + topic + " is none of the configured topic.requests ("
      + config.requestsTopic() + "), topic.results (" + config.resultsTopic() + ") and topic.dlq (" + config.deadLetterTopic() + ")");
  }

  /**
   * @throws dev.idvstreams.serde.RegistryUnavailableException when the registry cannot be asked for the writer schema
   */
  public String toJsonLine(ConsumerRecord<String, byte[]> record) {
    ObjectNode node = RequestJson.JSON.createObjectNode();
    node.put("topic", record.topic());
    node.put("partition", record.partition());
    node.put("offset", record.offset());
    node.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
    node.put("key", record.key());
    ObjectNode headers = node.putObject("headers");
    for (Header header : record.headers()) {
      headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
    }
    if (record.value() == null) {
      node.putNull("value");
      return node.toString();
    }
    try {
      node.set("value", decoder.apply(record.value()));
    } catch (BadRecordException e) {
      node.putNull("value");
      node.put("decodeError", e.reason() + ": " + e.getMessage());
      node.set("rawValue", AvroJson.toJson(ByteBuffer.wrap(record.value())));
    }
    return node.toString();
  }

  private static JsonNode deadLetter(DeadLetter letter) {
    ObjectNode node = (ObjectNode) AvroJson.toJson(letter);
    if (letter.getRequest() != null) {
      node.set("request", RequestJson.toJson(letter.getRequest()));
    }
    return node;
  }
}
