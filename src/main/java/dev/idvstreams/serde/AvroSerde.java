package dev.idvstreams.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro serde for generated classes in the Confluent wire format: magic byte 0, the writer schema's
 * 4-byte big-endian registry id, then Avro binary. Schemas are registered under
 * {@code <topic>-key} or {@code <topic>-value} (Confluent's TopicNameStrategy). Reading resolves
 * the writer schema against the generated class's schema, so older and newer writers are read as
 * long as the schemas stay compatible.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

  static final byte MAGIC_BYTE = 0;
  static final int HEADER_SIZE = 5;

  private final SchemaRegistryClient registry;
  private final boolean isKey;
  private final Schema readerSchema;
  private final SpecificData data;
  private final Map<Integer, SpecificDatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
  private volatile Writer<T> lastWriter;

  private AvroSerde(Class<T> type, SchemaRegistryClient registry, boolean isKey) {
    this.registry = registry;
    this.isKey = isKey;
    this.data = SpecificData.getForClass(type);
    this.readerSchema = data.getSchema(type);
  }

  /** A serde for record values of {@code type}. */
  public static <T extends SpecificRecord> AvroSerde<T> forValues(Class<T> type, SchemaRegistryClient registry) {
    return new AvroSerde<>(type, registry, false);
  }

  /** A serde for record keys of {@code type}. */
  public static <T extends SpecificRecord> AvroSerde<T> forKeys(Class<T> type, SchemaRegistryClient registry) {
    return new AvroSerde<>(type, registry, true);
  }

  @Override
  public Serializer<T> serializer() {
    return this::serialize;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this::deserialize;
  }

  /** Encodes {@code value}, registering its schema under the topic's subject on first use. */
  public byte[] serialize(String topic, T value) {
    if (value == null) {
      return null;
    }
    int id = registry.register(topic + (isKey ? "-key" : "-value"), value.getSchema());
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(MAGIC_BYTE);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writerFor(value.getSchema()).write(value, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * The writer of the last schema written: a writer keeps nothing between writes, and building one
   * for every record showed in profiles ({@code docs/performance.md}, "CPU: idle and per call").
   * One schema per serde in practice; another (a union's other branch) replaces it.
   */
  private SpecificDatumWriter<T> writerFor(Schema schema) {
    Writer<T> last = lastWriter;
    if (last == null || last.schema() != schema) {
      last = new Writer<>(schema, new SpecificDatumWriter<>(schema, data));
      lastWriter = last;
    }
    return last.writer();
  }

  private record Writer<T>(Schema schema, SpecificDatumWriter<T> writer) {
  }

  /**
   * A reader of what the schema {@code id} wrote, once the registry has it and it resolves against
   * the generated class's schema: a writer schema of another record (a producer that serialized
   * something else to this topic) can never be read, whatever its bytes.
   */
  private SpecificDatumReader<T> readerFor(int id) {
    Schema writer = registry.schemaById(id);
    SchemaCompatibility.SchemaPairCompatibility compatibility =
        SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
    if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      throw new BadRecordException(BadRecordException.Reason.INCOMPATIBLE_SCHEMA, "schema id " + id + " ("
          + writer.getFullName() + ") cannot be read as " + readerSchema.getFullName() + ": "
          + compatibility.getResult().getIncompatibilities().stream().limit(3)
            .map(i -> i.getType() + " at " + i.getLocation()).toList());
    }
    return new SpecificDatumReader<>(writer, readerSchema, data);
  }

  /**
   * Decodes Confluent wire-format bytes.
   *
   * @throws BadRecordException when the bytes are broken: wrong magic byte, unknown or unreadable schema id,
   *     corrupt Avro (a declared length beyond the record's bytes included)
   * @throws RegistryUnavailableException when the registry cannot be asked for the writer schema
   */
  public T deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    if (bytes.length < HEADER_SIZE) {
      throw new BadRecordException(BadRecordException.Reason.CORRUPT_PAYLOAD,
          "record of " + bytes.length + " bytes is shorter than the 5-byte Confluent wire-format header");
    }
    if (bytes[0] != MAGIC_BYTE) {
      throw new BadRecordException(BadRecordException.Reason.UNKNOWN_MAGIC_BYTE,
          String.format("unknown magic byte 0x%02x (the Confluent wire format starts with 0x00)", bytes[0]));
    }
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    SpecificDatumReader<T> reader = readersByWriterId.computeIfAbsent(id, this::readerFor);
    BoundedDecoder decoder = new BoundedDecoder(bytes, HEADER_SIZE, bytes.length - HEADER_SIZE);
    T value;
    try {
      value = reader.read(null, decoder);
    } catch (BadRecordException e) {
      // a declared length beyond the record's bytes: its message has numbers only
      throw new BadRecordException(BadRecordException.Reason.CORRUPT_PAYLOAD,
          "corrupt Avro payload for schema id " + id + " (" + readerSchema.getName() + "): " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      // Avro reports truncated or garbled input as EOFException, AvroRuntimeException, or index errors
      throw new BadRecordException(BadRecordException.Reason.CORRUPT_PAYLOAD,
          "corrupt Avro payload for schema id " + id + " (" + readerSchema.getName() + "): " + e.getClass().getSimpleName(), e);
    }
    if (!decoder.isEnd()) {
      throw new BadRecordException(BadRecordException.Reason.CORRUPT_PAYLOAD,
          "corrupt Avro payload for schema id " + id + " (" + readerSchema.getName() + "): trailing bytes after the record");
    }
    return value;
  }
}
