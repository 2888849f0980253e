package dev.idvstreams.serde;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoding that never allocates for a length the record does not hold. Avro's own
 * decoder allocates a string, bytes or collection of the declared length before reading it, so 9
 * bytes declaring a string of 2^30 ran a processor out of memory. Here every declared length or
 * item count is checked against the bytes left in the record first: one that exceeds them is
 * {@link BadRecordException} CORRUPT_PAYLOAD, the same as any other broken record. An item needs
 * at least one byte except in a collection of nulls or of empty records, which no schema of this
 * project has; such collections are bounded by the bytes left too.
 *
 * <p>Everything else is Avro's own direct (unbuffered) binary decoder over the same bytes, so the
 * position, and with it the bytes left, is exact.
 */
final class BoundedDecoder extends Decoder {

  private final Remaining input;
  private final BinaryDecoder in;

  BoundedDecoder(byte[] bytes, int offset, int length) {
    this.input = new Remaining(bytes, offset, length);
    this.in = DecoderFactory.get().directBinaryDecoder(input, null);
  }

  /** Whether every byte was read. */
  boolean isEnd() {
    return input.available() == 0;
  }

  private int checked(long declared, String what) {
    if (declared < 0 || declared > input.available()) {
      throw new BadRecordException(BadRecordException.Reason.CORRUPT_PAYLOAD,
          "declared " + what + " of " + declared + " exceeds the " + input.available() + " bytes left in the record");
    }
    return (int) declared;
  }

  private byte[] readLengthPrefixed(String what) throws IOException {
    byte[] bytes = new byte[checked(in.readLong(), what + " length")];
    in.readFixed(bytes);
    return bytes;
  }

  @Override
  public void readNull() throws IOException {
    in.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return in.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return in.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return in.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return in.readDouble();
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    return new Utf8(readLengthPrefixed("string"));
  }

  @Override
  public String readString() throws IOException {
    return new Utf8(readLengthPrefixed("string")).toString();
  }

  @Override
  public void skipString() throws IOException {
    in.skipFixed(checked(in.readLong(), "string length"));
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    return ByteBuffer.wrap(readLengthPrefixed("bytes"));
  }

  @Override
  public void skipBytes() throws IOException {
    in.skipFixed(checked(in.readLong(), "bytes length"));
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    in.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(int length) throws IOException {
    in.skipFixed(length);
  }

  @Override
  public int readEnum() throws IOException {
    return in.readEnum();
  }

  @Override
  public long readArrayStart() throws IOException {
    return checked(in.readArrayStart(), "array item count");
  }

  @Override
  public long arrayNext() throws IOException {
    return checked(in.arrayNext(), "array item count");
  }

  @Override
  public long skipArray() throws IOException {
    return checked(in.skipArray(), "array item count");
  }

  @Override
  public long readMapStart() throws IOException {
    return checked(in.readMapStart(), "map entry count");
  }

  @Override
  public long mapNext() throws IOException {
    return checked(in.mapNext(), "map entry count");
  }

  @Override
  public long skipMap() throws IOException {
    return checked(in.skipMap(), "map entry count");
  }

  @Override
  public int readIndex() throws IOException {
    return in.readIndex();
  }

  /** The record's bytes as a stream that knows how many are left; not thread-safe, unlike ByteArrayInputStream. */
  private static final class Remaining extends InputStream {
    private final byte[] bytes;
    private final int end;
    private int position;

    Remaining(byte[] bytes, int offset, int length) {
      this.bytes = bytes;
      this.position = offset;
      this.end = offset + length;
    }

    @Override
    public int read() {
      return position < end ? bytes[position++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
      if (length == 0) {
        return 0;
      }
      if (position >= end) {
        return -1;
      }
      int n = Math.min(length, end - position);
      System.arraycopy(bytes, position, into, offset, n);
      position += n;
      return n;
    }

    @Override
    public long skip(long n) {
      long skipped = Math.max(0, Math.min(n, end - position));
      position += (int) skipped;
      return skipped;
    }

    @Override
    public int available() {
      return end - position;
    }
  }
}
