package dev.idvstreams.topology;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.check.CheckInvoker;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.SchemaRegistryClient;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The verification topology: decode (through {@link DecodeDeadLetterHandler}), re-key by bizId,
 * validate, deduplicate and call, then publish results and dead letters.
 */
public final class VerificationTopology {

  public static final String DEDUP_STORE = "idv-dedup";

  /**
   * What the topology needs to know; built from the configuration.
   *
   * @param keyedByBizId whether records whose key is their bizId are already in the partition of
   *     their bizId (keyed by bizId, Kafka's default partitioner): only those skip the re-key
   * @param delivery what makes sure an ended call's events are written, from the processing guarantee
   */
  public record Settings(String requestsTopic, boolean keyedByBizId, String resultsTopic, String dlqTopic,
      Duration dedupTtl, Duration purgeInterval, Duration completionInterval, int maxInlineImageBytes,
      EventDelivery delivery) {
  }

  private static final String REPARTITION = "by-bizid";

  private VerificationTopology() {}

  /** The topic whose partitions the verify (calling) tasks read: the repartition topic, unless the input is keyed by bizId. */
  public static String callingTopic(String applicationId, Settings settings) {
    return settings.keyedByBizId() ? settings.requestsTopic() : applicationId + "-" + REPARTITION + "-repartition";
  }

  /**
   * @param listener told of every result and dead letter the topology publishes and of every
   *     parked duplicate, for metrics
   */
  public static Topology build(Settings settings, SchemaRegistryClient registry, CheckInvoker invoker,
      TopologyListener listener, ProcessingControl control) {
    AvroSerde<VerificationRequest> requestSerde = AvroSerde.forValues(VerificationRequest.class, registry);
    AvroSerde<VerificationResult> resultSerde = AvroSerde.forValues(VerificationResult.class, registry);
    AvroSerde<DeadLetter> deadLetterSerde = AvroSerde.forValues(DeadLetter.class, registry);
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEDUP_STORE),
      Serdes.String(), new DedupEntrySerde()).withLoggingEnabled(Map.of()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DedupIndex.STORE),
      Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(Map.of()));

    KStream<String, VerificationRequest> requests = builder.stream(settings.requestsTopic(),
      Consumed.with(Serdes.String(), requestSerde).withName("requests"));

    // deduplication needs every record of one bizId in one task: the key and partition its producer
    // chose prove nothing (another partitioner, an explicit partition), so by default every record is
    // re-keyed through the repartition topic, which Kafka Streams partitions by the bizId itself
    KStream<String, VerificationRequest> keyed;
    if (settings.keyedByBizId()) {
      Map<String, KStream<String, VerificationRequest>> byKey = requests.split(Named.as("key-"))
        .branch((key, request) -> request.getBizId().equals(key), Branched.as("bizid"))
        .defaultBranch(Branched.as("other"));
      keyed = byKey.get("key-bizid").merge(rekey(byKey.get("key-other"), requestSerde, settings), Named.as("keyed-by-bizid"));
    } else {
      keyed = rekey(requests, requestSerde, settings);
    }

    RequestValidator validator = new RequestValidator(settings.maxInlineImageBytes());
    TakeTurns turns = new TakeTurns();
    KStream<String, SpecificRecord> outcomes = keyed
      .process(() -> new ValidateProcessor(validator), Named.as("validate"))
      .split(Named.as("validated-"))
      .branch((key, value) -> value instanceof VerificationRequest, Branched.withFunction(valid -> valid
        .mapValues(value -> (VerificationRequest) value, Named.as("as-request"))
        .process(() -> new VerifyProcessor(DEDUP_STORE, invoker, listener, settings.dedupTtl(), settings.purgeInterval(),
          settings.completionInterval(), control, turns, settings.delivery(), CommitCounter.STREAM_THREAD),
          Named.as("verify"), DEDUP_STORE, DedupIndex.STORE), "verify"))
      .defaultBranch(Branched.as("invalid"))
      .values().stream().reduce((a, b) -> a.merge(b, Named.as("outcomes"))).orElseThrow();

    Map<String, KStream<String, SpecificRecord>> byType = outcomes
      .peek((key, value) -> listener.published(value), Named.as("count"))
      .split(Named.as("out-"))
      .branch((key, value) -> value instanceof VerificationResult, Branched.as("results"))
      .defaultBranch(Branched.as("dead-letters"));
    byType.get("out-results").mapValues(v -> (VerificationResult) v, Named.as("as-result"))
      .to(settings.resultsTopic(), Produced.with(Serdes.String(), resultSerde).withName("results"));
    byType.get("out-dead-letters").mapValues(v -> (DeadLetter) v, Named.as("as-dead-letter"))
      .to(settings.dlqTopic(), Produced.with(Serdes.String(), deadLetterSerde).withName("dead-letters"));
    return builder.build();
  }

  private static KStream<String, VerificationRequest> rekey(KStream<String, VerificationRequest> requests,
      AvroSerde<VerificationRequest> requestSerde, Settings settings) {
    return requests
      // a re-keyed request reaches its task only once this task's transaction commits
      .processValues(() -> new PublishSoon<VerificationRequest>(settings.completionInterval()), Named.as("publish-soon"))
      .selectKey((key, request) -> request.getBizId(), Named.as("rekey-by-bizid"))
      .repartition(Repartitioned.<String, VerificationRequest>as(REPARTITION)
        .withKeySerde(Serdes.String()).withValueSerde(requestSerde));
  }
}
