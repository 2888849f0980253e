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
      .setImage(url("https://images.example/corpus/clean.jpg"));
  }

  static MaterialCheck.Builder materialCheck() {
    return MaterialCheck.newBuilder().setBizType("RPMinTest").setName("Corpus Person")
      .setIdCardNumber(idNumber("11010519491231002"))
      .setFaceImage(url("https://images.example/corpus/face.jpg"));
  }

  static FaceCheck.Builder faceCheck() {
    return FaceCheck.newBuilder().setResourceCode("00840000").setRefFace(content(FACE_JPEG)).setAuthFace(content(FACE_JPEG));
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
