package dev.idvstreams.cli;

import dev.idvstreams.avro.VerificationRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Hand-framed Confluent wire format for the hostile-input tests: magic byte, 4-byte big-endian
 * schema id, then Avro binary written by Avro's own writer or byte by byte, never through the
 * product's serializer. Nothing here checks anything: the point is to write what a broken or
 * hostile producer would.
 */
final class Wire {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private Wire() {}

  /** Magic byte 0 and {@code schemaId}. */
  static Wire header(int schemaId) {
    return header(0, schemaId);
  }

  static Wire header(int magic, int schemaId) {
    Wire wire = new Wire();
    wire.out.write(magic);
    wire.out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
    return wire;
  }

  /** Avro's zig-zag varint of a long (ints are the same encoding). */
  Wire varlong(long n) {
    long z = (n << 1) ^ (n >> 63);
    while ((z & ~0x7FL) != 0) {
      out.write((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.write((int) z);
    return this;
  }

  Wire string(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    varlong(b.length);
    out.writeBytes(b);
    return this;
  }

  Wire bytes(byte[] b) {
    varlong(b.length);
    out.writeBytes(b);
    return this;
  }

  Wire raw(byte... b) {
    out.writeBytes(b);
    return this;
  }

  /** The request in Avro binary, by Avro's writer under the generated schema. */
  Wire request(VerificationRequest request) {
    return raw(avro(request));
  }

  byte[] toBytes() {
    return out.toByteArray();
  }

  static byte[] avro(VerificationRequest request) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
    try {
      new SpecificDatumWriter<VerificationRequest>(VerificationRequest.getClassSchema(),
          SpecificData.getForClass(VerificationRequest.class)).write(request, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return body.toByteArray();
  }

  /** The request framed under {@code schemaId}. */
  static byte[] framed(int schemaId, VerificationRequest request) {
    return header(schemaId).request(request).toBytes();
  }
}
