package dev.idvstreams.serde;

import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.VerificationRequest;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Requests of each check type, for serde tests. The personal data in them is made up. */
final class Samples {

  private Samples() {}

  static VerificationRequest credential(String bizId) {
    return VerificationRequest.newBuilder()
        .setBizId(bizId)
        .setRequestedAt(Instant.parse("2026-11-25T01:02:03.456Z"))
        .setSource("merchant-onboarding")
        .setCheck(CredentialCheck.newBuilder().setCredType("03").setCredName("0301")
            .setImage(Image.newBuilder().setUrl("https://images.example/cred.jpg").build()).build())
        .build();
  }

  static VerificationRequest material(String bizId) {
    return VerificationRequest.newBuilder()
        .setBizId(bizId)
        .setRequestedAt(Instant.parse("2026-11-25T01:02:03.456Z"))
        .setUserId("u-42")
        .setCheck(MaterialCheck.newBuilder().setBizType("RPMinTest").setName("张三")
            .setIdCardNumber("023432189011231236")
            .setFaceImage(Image.newBuilder().setUrl("https://images.example/face.jpg").build())
            .setIdCardFrontImage(Image.newBuilder().setContent(ByteBuffer.wrap(new byte[] {1, 2, 3})).build())
            .build())
        .build();
  }

  static VerificationRequest face(String bizId) {
    return VerificationRequest.newBuilder()
        .setBizId(bizId)
        .setRequestedAt(Instant.parse("2026-11-25T01:02:03.456Z"))
        .setCheck(FaceCheck.newBuilder().setResourceCode("00840000")
            .setRefFace(Image.newBuilder().setContent(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xd8, 9})).build())
            .setAuthFace(Image.newBuilder().setUrl("https://images.example/auth.jpg").build())
            .build())
        .build();
  }
}
