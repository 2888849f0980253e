package dev.idvstreams.bench;

import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.SchemaRegistryClient;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The duplicate path's baseline: requests in, one result out per request, nothing else. The same
 * Avro serdes and registry as the processor, run under the same guarantee ({@link BenchStage#streamsProperties});
 * no store, no call. The output is stamped with the wall clock when it is forwarded, as the
 * processor stamps its results, so first-to-last is measured the same way on both.
 */
final class PassThroughTopology {

  private PassThroughTopology() {}

  static Topology build(String requestsTopic, String resultsTopic, SchemaRegistryClient registry) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(requestsTopic, Consumed.with(Serdes.String(), AvroSerde.forValues(VerificationRequest.class, registry)))
        .processValues(Stamp::new)
        .to(resultsTopic, Produced.with(Serdes.String(), AvroSerde.forValues(VerificationResult.class, registry)));
    return builder.build();
  }

  /** Maps a request to a result stamped with the time it is forwarded. */
  private static final class Stamp implements FixedKeyProcessor<String, VerificationRequest, VerificationResult> {
    private FixedKeyProcessorContext<String, VerificationResult> context;

    @Override
    public void init(FixedKeyProcessorContext<String, VerificationResult> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, VerificationRequest> record) {
      long now = context.currentSystemTimeMs();
      context.forward(record.withValue(PlainResults.of(record.value(), Outcome.PASS, null, 0, Instant.ofEpochMilli(now)))
          .withTimestamp(now));
    }
  }
}
