package dev.idvstreams.topology;

import dev.idvstreams.avro.DedupEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The dedup store's value serde: Avro single-object encoding (the schema's fingerprint, then Avro
 * binary). The store's changelog needs no registry; a future schema adds the older ones to the
 * decoder to read entries written before an upgrade.
 */
final class DedupEntrySerde implements Serde<DedupEntry> {

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
        return DedupEntry.getDecoder().decode(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException("unreadable dedup store entry in " + topic, e);
      }
    };
  }
}
