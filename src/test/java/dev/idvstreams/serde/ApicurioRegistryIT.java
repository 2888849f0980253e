package dev.idvstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idvstreams.avro.VerificationRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumReader;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumWriter;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericRecord;
import org.apache.flink.avro.shaded.org.apache.avro.io.DecoderFactory;
import org.apache.flink.avro.shaded.org.apache.avro.io.EncoderFactory;
import org.apache.flink.formats.avro.registry.confluent.ConfluentSchemaRegistryCoder;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our serde against a real registry (Apicurio's Confluent-compatible API), checked against
 * Confluent's own registry client and wire-format coder (relocated in Flink's bundle).
 */
class ApicurioRegistryIT {

  private static ApicurioRegistry apicurio;

  @BeforeAll
  static void startRegistry() throws Exception {
    apicurio = ApicurioRegistry.start();
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    if (apicurio != null) {
      apicurio.close();
    }
  }

  private AvroSerde<VerificationRequest> ourSerde() {
    return AvroSerde.forValues(VerificationRequest.class,
        SchemaRegistries.forUrl(apicurio.ccompatUrl(), null, Duration.ofSeconds(10)));
  }

  @Test
  void shouldRoundTripThroughARealRegistry() {
    VerificationRequest request = Samples.material("apicurio-1");
    byte[] bytes = ourSerde().serialize("rt.requests", request);
    // a second serde shares nothing with the first but the registry
    assertThat(ourSerde().deserialize("rt.requests", bytes)).isEqualTo(request);
  }

  @Test
  void shouldWriteBytesThatConfluentsClientDecodes() throws Exception {
    VerificationRequest request = Samples.face("ours-to-confluent");
    byte[] bytes = ourSerde().serialize("ours.requests", request);

    CachedSchemaRegistryClient confluent = new CachedSchemaRegistryClient(apicurio.ccompatUrl(), 10);
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    var writerSchema = new ConfluentSchemaRegistryCoder(confluent).readSchema(in);
    GenericRecord decoded = new GenericDatumReader<GenericRecord>(writerSchema)
        .read(null, DecoderFactory.get().binaryDecoder(in, null));

    assertThat(writerSchema.getFullName()).isEqualTo("dev.idvstreams.avro.VerificationRequest");
    assertThat(decoded.get("bizId").toString()).isEqualTo("ours-to-confluent");
    assertThat(decoded.get("requestedAt")).isEqualTo(request.getRequestedAt().toEpochMilli());
    GenericRecord check = (GenericRecord) decoded.get("check");
    assertThat(check.getSchema().getName()).isEqualTo("FaceCheck");
    assertThat(check.get("resourceCode").toString()).isEqualTo("00840000");
    GenericRecord refFace = (GenericRecord) check.get("refFace");
    assertThat(((ByteBuffer) refFace.get("content")).array()).containsExactly(0xff, 0xd8, 9);
  }

  @Test
  void shouldDecodeBytesThatConfluentsClientWrote() throws Exception {
    VerificationRequest request = Samples.credential("confluent-to-ours");
    CachedSchemaRegistryClient confluent = new CachedSchemaRegistryClient(apicurio.ccompatUrl(), 10);
    var schema = new org.apache.flink.avro.shaded.org.apache.avro.Schema.Parser().parse(VerificationRequest.getClassSchema().toString());
    GenericRecord record = new GenericDatumReader<GenericRecord>(schema)
        .read(null, DecoderFactory.get().jsonDecoder(schema, toAvroJson(request)));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new ConfluentSchemaRegistryCoder("theirs.requests-value", confluent).writeSchema(schema, out);
    var encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();

    assertThat(ourSerde().deserialize("theirs.requests", out.toByteArray())).isEqualTo(request);
  }

  @Test
  void shouldNameAnIdTheRealRegistryDoesNotKnow() {
    byte[] bytes = ourSerde().serialize("unknown.requests", Samples.credential("x"));
    ByteBuffer.wrap(bytes).putInt(1, 987654);
    assertThatThrownBy(() -> ourSerde().deserialize("unknown.requests", bytes))
        .isInstanceOfSatisfying(BadRecordException.class, e -> assertThat(e.reason()).isEqualTo(BadRecordException.Reason.UNKNOWN_SCHEMA_ID))
        .hasMessageContaining("unknown schema id 987654");
  }

  @Test
  void shouldGiveEveryInstanceTheSameIdWhenTheyRegisterASchemaAtOnce() throws Exception {
    // Apicurio answers 409 to all but one of simultaneous registrations of a new subject's schema
    int instances = 6;
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    try {
      for (int round = 0; round < 5; round++) {
        String subject = "race" + round + ".results-value";
        CyclicBarrier start = new CyclicBarrier(instances);
        List<Future<Integer>> ids = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
          // one client per instance: no shared cache, only the registry
          SchemaRegistryClient client = SchemaRegistries.forUrl(apicurio.ccompatUrl(), null, Duration.ofSeconds(10));
          ids.add(pool.submit(() -> {
            start.await();
            return client.register(subject, VerificationRequest.getClassSchema());
          }));
        }
        List<Integer> answered = new ArrayList<>();
        for (Future<Integer> id : ids) {
          answered.add(id.get(30, TimeUnit.SECONDS));
        }
        assertThat(answered).as(subject).containsOnly(answered.get(0));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Avro's JSON encoding of our record: the neutral form both Avro copies read. */
  private static String toAvroJson(VerificationRequest request) throws Exception {
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    JsonEncoder encoder = org.apache.avro.io.EncoderFactory.get().jsonEncoder(VerificationRequest.getClassSchema(), json);
    new SpecificDatumWriter<VerificationRequest>(VerificationRequest.class).write(request, encoder);
    encoder.flush();
    return json.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
