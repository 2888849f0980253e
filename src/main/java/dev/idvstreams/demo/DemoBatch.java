package dev.idvstreams.demo;

import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.image.HeaderOnlyJpeg;
import dev.idvstreams.serde.AvroSerde;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The demo's mixed batch: new requests of the three kinds with outcomes chosen through the
 * simulator's markers (docs/simulator.md), exact duplicates, bizId conflicts, invalid requests and
 * unreadable records, some keyed by something other than the bizId. Deterministic for a seed.
 */
public final class DemoBatch {

  /** What a record is meant to show, for the summary. */
  public enum Kind { NEW, DUPLICATE, CONFLICT, INVALID, UNREADABLE }

  /** One record to produce: key (may be null or not the bizId), value bytes, what it is. */
  public record Item(String key, byte[] value, Kind kind, String bizId) {
  }

  private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0};

  private DemoBatch() {}

  public static List<Item> generate(int size, long seed, String topic, AvroSerde<VerificationRequest> serde) {
    Random random = new Random(seed);
    List<VerificationRequest> sent = new ArrayList<>();
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int roll = random.nextInt(100);
      if (roll < 6) {
        items.add(new Item(null, unreadable(random, i), Kind.UNREADABLE, null));
      } else if (roll < 11) {
        VerificationRequest request = invalid(i);
        items.add(new Item(request.getBizId(), serde.serialize(topic, request), Kind.INVALID, request.getBizId()));
      } else if (roll < 26 && !sent.isEmpty()) {
        VerificationRequest original = sent.get(random.nextInt(sent.size()));
        items.add(new Item(original.getBizId(), serde.serialize(topic, original), Kind.DUPLICATE, original.getBizId()));
      } else if (roll < 29 && !sent.isEmpty()) {
        VerificationRequest original = sent.get(random.nextInt(sent.size()));
        // same bizId, other content (a credential check never sent before)
        VerificationRequest conflict = credential(original.getBizId(), "conflict-" + i);
        items.add(new Item(conflict.getBizId(), serde.serialize(topic, conflict), Kind.CONFLICT, conflict.getBizId()));
      } else {
        VerificationRequest request = fresh(i, random);
        sent.add(request);
        // one in eight keyed by something else: re-keyed through the repartition topic
        String key = random.nextInt(8) == 0 ? "upstream-key-" + i : request.getBizId();
        items.add(new Item(key, serde.serialize(topic, request), Kind.NEW, request.getBizId()));
      }
    }
    return items;
  }

  private static VerificationRequest fresh(int i, Random random) {
    String bizId = "demo-" + i;
    return switch (i % 3) {
      case 0 -> credential(bizId, pick(random, "clean", "clean", "sim-risk-PS", "sim-risk-SCREEN_PHOTO", "sim-error-UnqualifiedPhoto"));
      case 1 -> material(bizId, pick(random, "sim-status-1", "sim-status-1", "sim-status-6", "sim-status-2", "sim-error-NoFaceDetected"));
      default -> face(bizId, pick(random, "ok", "ok", "sim-spoof", "sim-mismatch"));
    };
  }

  private static String pick(Random random, String... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private static VerificationRequest envelope(String bizId, Object check) {
    return VerificationRequest.newBuilder().setBizId(bizId).setRequestedAt(Instant.now()).setSource("idv-demo")
      .setCheck(check).build();
  }

  public static VerificationRequest credential(String bizId, String marker) {
    return envelope(bizId, CredentialCheck.newBuilder().setCredType("03").setCredName("0301")
      .setImage(Image.newBuilder().setUrl("https://images.example/" + bizId + "/" + marker + ".jpg").build()).build());
  }

  public static VerificationRequest material(String bizId, String marker) {
    return envelope(bizId, MaterialCheck.newBuilder().setBizType("RPMinTest").setName("Demo Person")
      .setIdCardNumber("023432189011231236")
      .setFaceImage(Image.newBuilder().setUrl("https://images.example/" + bizId + "/face-" + marker + ".jpg").build())
      .build());
  }

  public static VerificationRequest face(String bizId, String marker) {
    return envelope(bizId, FaceCheck.newBuilder().setResourceCode("00840000")
      .setRefFace(jpeg("ref"))
      .setAuthFace(jpeg("auth " + marker + " " + bizId))
      .build());
  }

  /** A JPEG header of a 640 × 480 photo with the text as its comment: it passes validation, and the simulator reads markers in the bytes. */
  private static Image jpeg(String text) {
    return Image.newBuilder().setContent(ByteBuffer.wrap(HeaderOnlyJpeg.of(640, 480, text))).build();
  }

  private static VerificationRequest invalid(int i) {
    return switch (i % 3) {
      case 0 -> credential("demo-invalid-" + i + "-" + "x".repeat(64), "clean"); // bizId over 64 characters
      case 1 -> envelope("demo-invalid-" + i, MaterialCheck.newBuilder().setBizType("RPMinTest").setName("Demo Person")
        .setIdCardNumber("023432189011231236")
        .setFaceImage(Image.newBuilder().setContent(ByteBuffer.wrap(JPEG_MAGIC)).build()).build()); // VerifyMaterial takes URLs only
      default -> envelope("demo-invalid-" + i, FaceCheck.newBuilder().setResourceCode("00840000")
        .setRefFace(Image.newBuilder().setContent(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G'})).build()) // not a JPG
        .setAuthFace(jpeg("auth")).build());
    };
  }

  private static byte[] unreadable(Random random, int i) {
    if (i % 2 == 0) {
      byte[] garbage = new byte[16];
      random.nextBytes(garbage);
      garbage[0] = 0x42; // not the wire format's magic byte
      return garbage;
    }
    return new byte[] {0, 0x7f, 0x7f, 0x7f, 0x7f, 1, 2, 3}; // a schema id no registry has
  }
}
