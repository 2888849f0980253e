package dev.idvstreams.topology;

import dev.idvstreams.avro.DedupEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The dedup store's value serde: Avro single-object encoding (the schema's fingerprint, then Avro
 * binary). The store's changelog needs no registry: each schema an earlier release wrote entries
 * with is a resource next to this class, known to the decoder, so a store restored from the
 * changelog of an earlier release is read (and resolved to the current schema) after an upgrade.
 */
final class DedupEntrySerde implements Serde<DedupEntry> {

  /**
   * The schemas of earlier releases: v1, before the {@code unconfirmed} events and DEAD_LETTERED;
   * v2, before the carried headers.
   */
  private static final List<String> EARLIER_SCHEMAS = List.of("DedupEntry.v1.avsc", "DedupEntry.v2.avsc");
  private static final BinaryMessageDecoder<DedupEntry> DECODER = decoder();

  private static BinaryMessageDecoder<DedupEntry> decoder() {
    BinaryMessageDecoder<DedupEntry> decoder = DedupEntry.createDecoder(null);
    for (String resource : EARLIER_SCHEMAS) {
      try (InputStream in = DedupEntrySerde.class.getResourceAsStream(resource)) {
        decoder.addSchema(new Schema.Parser().parse(Objects.requireNonNull(in, resource)));
      } catch (IOException e) {
        throw new UncheckedIOException("unreadable schema resource " + resource, e);
      }
    }
    return decoder;
  }

  @Override
  public Serializer<DedupEntry> serializer() {
    return (topic, entry) -> {
      if (entry == null) {
        return null;
      }
      try {
        ByteBuffer buffer = DedupEntry.getEncoder().encode(entry);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  @Override
  public Deserializer<DedupEntry> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return DECODER.decode(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException("unreadable dedup store entry in " + topic, e);
      }
    };
  }
}
