package dev.idvstreams.topology;

import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.VerificationRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * SHA-256 of a request's canonical check: the check's type name and its Avro binary encoding,
 * which is canonical for one schema. Envelope fields (requestedAt, source, and userId except for
 * VerifyMaterial, which sends it) are left out: the same check sent again later is an exact
 * duplicate.
 */
final class RequestFingerprint {

  private RequestFingerprint() {}

  static byte[] of(VerificationRequest request) {
    SpecificRecord check = (SpecificRecord) request.getCheck();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(check.getSchema().getFullName().getBytes(StandardCharsets.UTF_8));
    out.write(0);
    if (check instanceof MaterialCheck && request.getUserId() != null) {
      // VerifyMaterial sends the userId as UserId: part of what the API is asked
      out.writeBytes(request.getUserId().getBytes(StandardCharsets.UTF_8));
    }
    out.write(0);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      new SpecificDatumWriter<SpecificRecord>(check.getSchema()).write(check, encoder);
      encoder.flush();
      return MessageDigest.getInstance("SHA-256").digest(out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
