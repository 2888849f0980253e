package dev.idvstreams.jsonl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.VerificationRequest;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The JSON form of a {@link VerificationRequest}, both ways: what {@code produce} reads, one
 * request per line, and what {@code consume} prints for requests (so a dead letter's request can
 * be fixed and produced again). The format is specified in the README ("The request format").
 *
 * <p>Only the shape is checked here: fields, types, exactly one check, exactly one image source,
 * valid base64. The limits of the APIs (bizId length, image formats and sizes) are the
 * processor's, which dead-letters a request that breaks them at stage VALIDATION; one rule, one
 * place. Error messages name the field, never its value: requests carry names, ID numbers and
 * images.
 */
public final class RequestJson {

  /** Strict: a duplicate field or a second value on the line is an error, not silently dropped. */
  public static final ObjectMapper JSON = JsonMapper.builder()
    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
    .build();

  private static final List<String> CHECKS = List.of("credential", "material", "face");
  private static final Set<String> REQUEST_FIELDS = Set.of("bizId", "requestedAt", "source", "userId",
    "credential", "material", "face");

  private final Clock clock;

  /** @param clock gives {@code requestedAt} when a line has none */
  public RequestJson(Clock clock) {
    this.clock = clock;
  }

  /** Thrown for a line that is not a valid request; the message names the field and the problem. */
  public static final class InvalidRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidRequestException(String message) {
      super(message);
    }
  }

  /** Parses one line. */
  public VerificationRequest parse(String line) throws InvalidRequestException {
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException(describe(e));
    }
    Fields request = new Fields(root, "");
    request.allowOnly(REQUEST_FIELDS);
    VerificationRequest.Builder builder = VerificationRequest.newBuilder()
      .setBizId(request.requiredString("bizId"))
      .setRequestedAt(requestedAt(request))
      .setSource(request.optionalString("source"))
      .setUserId(request.optionalString("userId"));
    List<String> present = new ArrayList<>();
    for (String check : CHECKS) {
      if (request.has(check)) {
        present.add(check);
      }
    }
    if (present.size() != 1) {
      throw new InvalidRequestException("exactly one of credential, material or face is required"
        + (present.isEmpty() ? "" : ", found " + String.join(" and ", present)));
    }
    Fields check = request.object(present.get(0));
    return builder.setCheck(switch (present.get(0)) {
      case "credential" -> credential(check);
      case "material" -> material(check);
      default -> face(check);
    }).build();
  }

  /** The request as one JSON object in the format {@link #parse} reads; absent optional fields are left out. */
  public static ObjectNode toJson(VerificationRequest request) {
    ObjectNode node = JSON.createObjectNode();
    node.put("bizId", request.getBizId());
    node.put("requestedAt", request.getRequestedAt().toString());
    putIfPresent(node, "source", request.getSource());
    putIfPresent(node, "userId", request.getUserId());
    Object check = request.getCheck();
    if (check instanceof CredentialCheck c) {
      ObjectNode credential = node.putObject("credential");
      credential.put("credType", c.getCredType());
      credential.put("credName", c.getCredName());
      credential.put("productCode", c.getProductCode());
      credential.set("image", toJson(c.getImage()));
    } else if (check instanceof MaterialCheck m) {
      ObjectNode material = node.putObject("material");
      material.put("bizType", m.getBizType());
      material.put("name", m.getName());
      material.put("idCardNumber", m.getIdCardNumber());
      material.set("faceImage", toJson(m.getFaceImage()));
      if (m.getIdCardFrontImage() != null) {
        material.set("idCardFrontImage", toJson(m.getIdCardFrontImage()));
      }
      if (m.getIdCardBackImage() != null) {
        material.set("idCardBackImage", toJson(m.getIdCardBackImage()));
      }
    } else if (check instanceof FaceCheck f) {
      ObjectNode face = node.putObject("face");
      face.put("resourceCode", f.getResourceCode());
      face.set("refFace", toJson(f.getRefFace()));
      face.set("authFace", toJson(f.getAuthFace()));
    }
    return node;
  }

  private Instant requestedAt(Fields request) throws InvalidRequestException {
    String text = request.optionalString("requestedAt");
    if (text == null) {
      return clock.instant();
    }
    try {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from);
    } catch (DateTimeParseException e) {
      throw new InvalidRequestException(
        "requestedAt must be an ISO-8601 timestamp with an offset, for example 2026-01-31T09:30:00Z");
    }
  }

  private static CredentialCheck credential(Fields check) throws InvalidRequestException {
    check.allowOnly(Set.of("credType", "credName", "productCode", "image"));
    CredentialCheck.Builder builder = CredentialCheck.newBuilder()
      .setCredType(check.requiredString("credType"))
      .setCredName(check.requiredString("credName"))
      .setImage(image(check.object("image")));
    String productCode = check.optionalString("productCode");
    if (productCode != null) {
      builder.setProductCode(productCode);
    }
    return builder.build();
  }

  private static MaterialCheck material(Fields check) throws InvalidRequestException {
    check.allowOnly(Set.of("bizType", "name", "idCardNumber", "faceImage", "idCardFrontImage", "idCardBackImage"));
    return MaterialCheck.newBuilder()
      .setBizType(check.requiredString("bizType"))
      .setName(check.requiredString("name"))
      .setIdCardNumber(check.requiredString("idCardNumber"))
      .setFaceImage(image(check.object("faceImage")))
      .setIdCardFrontImage(check.has("idCardFrontImage") ? image(check.object("idCardFrontImage")) : null)
      .setIdCardBackImage(check.has("idCardBackImage") ? image(check.object("idCardBackImage")) : null)
      .build();
  }

  private static FaceCheck face(Fields check) throws InvalidRequestException {
    check.allowOnly(Set.of("resourceCode", "refFace", "authFace"));
    return FaceCheck.newBuilder()
      .setResourceCode(check.requiredString("resourceCode"))
      .setRefFace(image(check.object("refFace")))
      .setAuthFace(image(check.object("authFace")))
      .build();
  }

  private static Image image(Fields image) throws InvalidRequestException {
    image.allowOnly(Set.of("url", "base64"));
    if (image.has("url") == image.has("base64")) {
      throw new InvalidRequestException(image.path + " needs exactly one of url or base64");
    }
    if (image.has("url")) {
      return Image.newBuilder().setUrl(image.requiredString("url")).build();
    }
    try {
      byte[] content = Base64.getDecoder().decode(image.requiredString("base64"));
      return Image.newBuilder().setContent(ByteBuffer.wrap(content)).build();
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(image.path + ".base64 is not valid base64 (standard alphabet, with padding)");
    }
  }

  private static ObjectNode toJson(Image image) {
    ObjectNode node = JSON.createObjectNode();
    if (image.getUrl() != null) {
      node.put("url", image.getUrl());
    } else if (image.getContent() != null) {
      ByteBuffer content = image.getContent().duplicate();
      byte[] bytes = new byte[content.remaining()];
      content.get(bytes);
      node.put("base64", Base64.getEncoder().encodeToString(bytes));
    }
    return node;
  }

  private static void putIfPresent(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  /**
   * Jackson's own messages quote the offending input, which may be personal data: only the
   * position is kept, and the field name of a duplicate.
   */
  private static String describe(JsonProcessingException e) {
    String original = String.valueOf(e.getOriginalMessage());
    if (original.startsWith("Duplicate field")) {
      return "d" + original.substring(1);
    }
    if (e.getLocation() == null) {
      return "not valid JSON";
    }
    return "not valid JSON (at column " + e.getLocation().getColumnNr() + ")";
  }

  /** One JSON object of the request, with the dotted path that names it in error messages. */
  private static final class Fields {
    private final JsonNode node;
    private final String path;

    Fields(JsonNode node, String path) throws InvalidRequestException {
      if (node == null || !node.isObject()) {
        throw new InvalidRequestException((path.isEmpty() ? "a request" : path) + " must be a JSON object");
      }
      this.node = node;
      this.path = path;
    }

    void allowOnly(Set<String> names) throws InvalidRequestException {
      for (Iterator<String> fields = node.fieldNames(); fields.hasNext(); ) {
        String field = fields.next();
        if (!names.contains(field)) {
          throw new InvalidRequestException("unknown field " + qualified(field));
        }
      }
    }

    /** Present and not null. */
    boolean has(String field) {
      return node.hasNonNull(field);
    }

    String requiredString(String field) throws InvalidRequestException {
      if (!has(field)) {
        throw new InvalidRequestException(qualified(field) + " is required");
      }
      return optionalString(field);
    }

    String optionalString(String field) throws InvalidRequestException {
      if (!has(field)) {
        return null;
      }
      JsonNode value = node.get(field);
      if (!value.isTextual()) {
        throw new InvalidRequestException(qualified(field) + " must be a string");
      }
      return value.textValue();
    }

    Fields object(String field) throws InvalidRequestException {
      if (!has(field)) {
        throw new InvalidRequestException(qualified(field) + " is required");
      }
      return new Fields(node.get(field), qualified(field));
    }

    private String qualified(String field) {
      return path.isEmpty() ? field : path + "." + field;
    }
  }
}
