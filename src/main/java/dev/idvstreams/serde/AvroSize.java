package dev.idvstreams.serde;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * How many bytes a record takes in Avro binary, and its first bytes: what a record will cost on a
 * topic, known before it is written. Encodes to a stream that counts and keeps only the excerpt,
 * so measuring a large record allocates no copy of it.
 */
public final class AvroSize {

  /**
   * @param bytes the Avro binary size, without the Confluent wire-format header ({@link #WIRE_HEADER_BYTES})
   * @param excerpt the first bytes of the encoding, at most the length asked for
   */
  public record Measured(long bytes, byte[] excerpt) {
  }

  /** The Confluent wire format's magic byte and schema id, in front of every value. */
  public static final int WIRE_HEADER_BYTES = AvroSerde.HEADER_SIZE;

  private AvroSize() {}

  /** Measures {@code record}, keeping its first {@code excerptBytes} bytes. */
  public static Measured of(SpecificRecord record, int excerptBytes) {
    Counting out = new Counting(excerptBytes);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writerOf(record).write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Measured(out.count, Arrays.copyOf(out.excerpt, (int) Math.min(out.count, excerptBytes)));
  }

  /** Writers by record class: a writer holds no state between writes, and building one for every record showed in profiles. */
  private static final ClassValue<DatumWriter<SpecificRecord>> WRITERS = new ClassValue<>() {
    @Override
    protected DatumWriter<SpecificRecord> computeValue(Class<?> type) {
      return new SpecificDatumWriter<>(SpecificData.getForClass(type).getSchema(type), SpecificData.getForClass(type));
    }
  };

  private static DatumWriter<SpecificRecord> writerOf(SpecificRecord record) {
    return WRITERS.get(record.getClass()); // a generated class's records all have its schema
  }

  private static final class Counting extends OutputStream {
    private final byte[] excerpt;
    private long count;

    Counting(int excerptBytes) {
      this.excerpt = new byte[excerptBytes];
    }

    @Override
    public void write(int b) {
      if (count < excerpt.length) {
        excerpt[(int) count] = (byte) b;
      }
      count++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      if (count < excerpt.length) {
        System.arraycopy(bytes, offset, excerpt, (int) count, (int) Math.min(length, excerpt.length - count));
      }
      count += length;
    }
  }
}
