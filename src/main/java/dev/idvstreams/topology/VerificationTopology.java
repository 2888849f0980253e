package dev.idvstreams.topology;

import dev.idvstreams.headers.CarriedHeaders;
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
 * The verification topology: decode (through {@link DecodeDeadLetterHandler}), admit (tombstones,
 * sizes, validation: {@link AdmitProcessor}), re-key by bizId, deduplicate and call, then publish
 * results and dead letters.
 */
public final class VerificationTopology {

  public static final String DEDUP_STORE = "idv-dedup";

  /**
   * What the topology needs to know; built from the configuration.
   *
   * @param keyedByBizId whether records whose key is their bizId are already in the partition of
   *     their bizId (keyed by bizId, Kafka's default partitioner): only those skip the re-key
   * @param delivery what makes sure an ended call's events are written, from the processing guarantee
   * @param maxRequestBytes the largest request (Avro binary) whose records Kafka takes: its re-keyed
   *     record, store entry and dead letter ({@link RecordLimits#maxRequestBytes})
   * @param poisonMaxFailures how many times a record may stop a stream thread before it is dead-lettered ({@link PoisonGuard})
   * @param carried the request headers that travel to its result or dead letter
   */
  public record Settings(String requestsTopic, boolean keyedByBizId, String resultsTopic, String dlqTopic,
      Duration dedupTtl, Duration purgeInterval, Duration completionInterval, int maxInlineImageBytes,
      EventDelivery delivery, long maxRequestBytes, int poisonMaxFailures, CarriedHeaders carried) {
  }

  private static final String REPARTITION = "by-bizid";

  private VerificationTopology() {}

  /**
   * @param listener told of every result and dead letter the topology publishes and of every
   *     parked duplicate, for metrics
   * @param strikes how often each record has stopped a stream thread, kept across restarts
   */
  public static Topology build(Settings settings, SchemaRegistryClient registry, CheckInvoker invoker,
      TopologyListener listener, ProcessingControl control, PoisonStrikes strikes) {
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

    // before anything is written for a request: tombstones, requests too large to carry, requests
    // that break a documented limit end here, naming the request topic's partition and offset
    RequestValidator validator = new RequestValidator(settings.maxInlineImageBytes());
    PoisonGuard guard = new PoisonGuard(strikes, settings.poisonMaxFailures());
    Map<String, KStream<String, SpecificRecord>> admitted = requests
      .process(() -> new AdmitProcessor(validator, settings.maxRequestBytes(), settings.carried(), listener, guard), Named.as("admit"))
      .split(Named.as("admitted-"))
      .branch((key, value) -> value instanceof VerificationRequest, Branched.as("requests"))
      .defaultBranch(Branched.as("refused"));
    admitted.get("admitted-refused")
      .peek((key, value) -> listener.published(value), Named.as("count-refused"))
      .mapValues(v -> (DeadLetter) v, Named.as("as-refused-dead-letter"))
      .to(settings.dlqTopic(), Produced.with(Serdes.String(), deadLetterSerde).withName("refused-dead-letters"));
    KStream<String, VerificationRequest> valid = admitted.get("admitted-requests")
      .mapValues(v -> (VerificationRequest) v, Named.as("as-request"));

    // deduplication needs every record of one bizId in one task: the key and partition its producer
    // chose prove nothing (another partitioner, an explicit partition), so by default every record is
    // re-keyed through the repartition topic, which Kafka Streams partitions by the bizId itself
    KStream<String, VerificationRequest> keyed;
    if (settings.keyedByBizId()) {
      Map<String, KStream<String, VerificationRequest>> byKey = valid.split(Named.as("key-"))
        .branch((key, request) -> request.getBizId().equals(key), Branched.as("bizid"))
        .defaultBranch(Branched.as("other"));
      keyed = byKey.get("key-bizid").merge(rekey(byKey.get("key-other"), requestSerde, settings), Named.as("keyed-by-bizid"));
    } else {
      keyed = rekey(valid, requestSerde, settings);
    }

    TakeTurns turns = new TakeTurns();
    Map<String, KStream<String, SpecificRecord>> byType = keyed
      .process(() -> new VerifyProcessor(DEDUP_STORE, invoker, listener, settings.dedupTtl(), settings.purgeInterval(),
          settings.completionInterval(), control, turns, settings.delivery(), CommitCounter.STREAM_THREAD, guard),
        Named.as("verify"), DEDUP_STORE, DedupIndex.STORE)
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
