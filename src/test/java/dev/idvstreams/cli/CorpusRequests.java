package dev.idvstreams.cli;

import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.VerificationRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/** Valid requests the corpus bends one field at a time; every one of them passes as it is. */
final class CorpusRequests {

  /** A real 64x64 JPEG: what the face API and the image checks accept. */
  static final byte[] FACE_JPEG = CorpusImages.jpeg(64, 64);
  /** A real 200x120 JPEG for credential images. */
  static final byte[] CARD_JPEG = CorpusImages.jpeg(200, 120);

  private CorpusRequests() {}

  static Image url(String url) {
    return Image.newBuilder().setUrl(url).build();
  }

  static Image content(byte[] bytes) {
    return Image.newBuilder().setContent(ByteBuffer.wrap(bytes)).build();
  }

  static VerificationRequest.Builder envelope(String bizId) {
    return VerificationRequest.newBuilder().setBizId(bizId).setRequestedAt(Instant.now()).setSource("corpus");
  }

  static CredentialCheck.Builder credentialCheck() {
    return CredentialCheck.newBuilder().setCredType("03").setCredName("0301")
      .setImage(url("https://images.example/corpus/" + java.util.UUID.randomUUID() + "/clean.jpg"));
  }

  static MaterialCheck.Builder materialCheck() {
    return MaterialCheck.newBuilder().setBizType("RPMinTest").setName("Corpus Person")
      .setIdCardNumber(idNumber("11010519491231002"))
      .setFaceImage(url("https://images.example/corpus/" + java.util.UUID.randomUUID() + "/face.jpg"));
  }

  static FaceCheck.Builder faceCheck() {
    return FaceCheck.newBuilder().setResourceCode("00840000").setRefFace(content(uniqueJpeg())).setAuthFace(content(uniqueJpeg()));
  }

  /**
   * {@link #FACE_JPEG} with a comment segment of a random UUID after its start-of-image: still a
   * valid JPEG, but never twice the same, so the simulator's repeated-call guard (like the real
   * API's) never takes two corpus requests for one.
   */
  static byte[] uniqueJpeg() {
    byte[] comment = java.util.UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[FACE_JPEG.length + 4 + comment.length];
    out[0] = (byte) 0xFF;
    out[1] = (byte) 0xD8;
    out[2] = (byte) 0xFF;
    out[3] = (byte) 0xFE;
    out[4] = (byte) ((comment.length + 2) >> 8);
    out[5] = (byte) (comment.length + 2);
    System.arraycopy(comment, 0, out, 6, comment.length);
    System.arraycopy(FACE_JPEG, 2, out, 6 + comment.length, FACE_JPEG.length - 2);
    return out;
  }

  static VerificationRequest credential(String bizId) {
    return envelope(bizId).setCheck(credentialCheck().build()).build();
  }

  static VerificationRequest material(String bizId) {
    return envelope(bizId).setCheck(materialCheck().build()).build();
  }

  static VerificationRequest face(String bizId) {
    return envelope(bizId).setCheck(faceCheck().build()).build();
  }

  /** The 17 digits and their GB 11643-1999 check character. */
  static String idNumber(String seventeen) {
    int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      sum += (seventeen.charAt(i) - '0') * weights[i];
    }
    return seventeen + "10X98765432".charAt(sum % 11);
  }

  /** The 17 digits and a check character that is wrong. */
  static String badIdNumber(String seventeen) {
    char right = idNumber(seventeen).charAt(17);
    return seventeen + (right == '0' ? '1' : '0');
  }

  /** The dead letter key of a bizId over 64 characters: its first 64, '#', 16 hex of the SHA-256 of the whole. */
  static String bounded(String bizId) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bizId.getBytes(StandardCharsets.UTF_8));
      return bizId.substring(0, 64) + "#" + HexFormat.of().formatHex(hash).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
