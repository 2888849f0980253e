package dev.idvstreams.topology;

import dev.idvstreams.headers.CarriedHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.InProcessSchemaRegistry;
import dev.idvstreams.serde.RegistrySettings;
import dev.idvstreams.serde.SchemaRegistries;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProductionFailureHandlerTest {

  private final String scope = "production-test-" + UUID.randomUUID();
  private final List<SpecificRecord> published = new ArrayList<>();
  private final List<SkipReason> skipped = new ArrayList<>();
  private final ProductionFailureHandler handler = new ProductionFailureHandler();

  private static final ErrorHandlerContext CONTEXT = new ErrorHandlerContext() {
    public String topic() {
      return "app-by-bizid-repartition";
    }

    public int partition() {
      return 2;
    }

    public long offset() {
      return 77;
    }

    public Headers headers() {
      return new RecordHeaders();
    }

    public String processorNodeId() {
      return "results";
    }

    public TaskId taskId() {
      return new TaskId(1, 2);
    }

    public long timestamp() {
      return 0;
    }

    public byte[] sourceRawKey() {
      return null;
    }

    public byte[] sourceRawValue() {
      return null;
    }
  };

  @BeforeEach
  void configure() {
    Map<String, Object> configs = new HashMap<>(new RegistrySettings("mock://" + scope, null, Duration.ofSeconds(1), null).asProperties());
    configs.putAll(DeadLetterWriter.properties("idv.dlq", new TopologyListener() {
      public void published(SpecificRecord value) {
        published.add(value);
      }

      public void duplicateParked() {
      }

      public void skipped(SkipReason reason) {
        skipped.add(reason);
      }
    }, RecordLimits.KAFKA_DEFAULTS, new CarriedHeaders(java.util.List.of())));
    handler.configure(configs);
  }

  @AfterEach
  void drop() {
    InProcessSchemaRegistry.drop(scope);
  }

  @Test
  void shouldReplaceAResultKafkaRefusesWithASmallDeadLetter() {
    ProducerRecord<byte[], byte[]> result = new ProducerRecord<>("idv.results", "b-1".getBytes(StandardCharsets.UTF_8),
      new byte[2_000_000]);
    var response = handler.handleError(CONTEXT, result, new RecordTooLargeException("too large"));

    assertThat(response.result()).isEqualTo(Result.RESUME);
    assertThat(response.deadLetterQueueRecords()).hasSize(1);
    ProducerRecord<byte[], byte[]> out = response.deadLetterQueueRecords().get(0);
    assertThat(out.topic()).isEqualTo("idv.dlq");
    assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("b-1");
    DeadLetter letter = AvroSerde.forValues(DeadLetter.class, SchemaRegistries.forUrl("mock://" + scope, null,
      Duration.ofSeconds(1))).deserialize("idv.dlq", out.value());
    assertThat(letter.getStage()).isEqualTo(DeadLetterStage.INTERNAL);
    assertThat(letter.getErrorCode()).isEqualTo("RECORD_TOO_LARGE");
    assertThat(letter.getOffset()).isEqualTo(77);
    assertThat(out.value().length).isLessThan(1_000);
    assertThat(published).containsExactly(letter);
  }

  @Test
  void shouldSkipAndCountADeadLetterKafkaRefuses() {
    ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>("idv.dlq", null, new byte[2_000_000]);
    var response = handler.handleError(CONTEXT, letter, new RecordTooLargeException("too large"));

    assertThat(response.result()).isEqualTo(Result.RESUME);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
    assertThat(skipped).containsExactly(SkipReason.UNWRITABLE);
  }

  @Test
  void shouldFailOnWhatIsNoRecordsFault() {
    ProducerRecord<byte[], byte[]> result = new ProducerRecord<>("idv.results", null, new byte[1]);
    assertThat(handler.handleError(CONTEXT, result, new TopicAuthorizationException("no")).result()).isEqualTo(Result.FAIL);
  }
}
