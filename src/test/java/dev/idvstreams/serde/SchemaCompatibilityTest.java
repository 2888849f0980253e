package dev.idvstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/** Every schema in schemas/ must read what the previous release wrote (backward compatibility). */
class SchemaCompatibilityTest {

  private static final Path CURRENT = Path.of("schemas");
  private static final Path PREVIOUS = Path.of("src/test/resources/schemas-previous");
  // files that others refer to come first, as in the avro-maven-plugin's imports
  private static final List<String> ORDER = List.of("Image", "CredentialCheck", "MaterialCheck", "FaceCheck",
      "VerificationRequest", "CredentialDetail", "MaterialDetail", "FaceDetail", "VerificationResult", "DeadLetter", "DedupEntry");

  @Test
  void shouldReadEveryPreviouslyReleasedSchema() throws IOException {
    Map<String, Schema> current = parse(CURRENT);
    Map<String, Schema> previous = parse(PREVIOUS);
    assertThat(current.keySet()).as("a schema was removed").containsAll(previous.keySet());
    for (Map.Entry<String, Schema> old : previous.entrySet()) {
      SchemaCompatibility.SchemaPairCompatibility result =
          SchemaCompatibility.checkReaderWriterCompatibility(current.get(old.getKey()), old.getValue());
      assertThat(result.getType()).as("%s: %s", old.getKey(), result.getDescription())
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
  }

  @Test
  void shouldListEverySchemaFileInTheParseOrder() throws IOException {
    try (Stream<Path> files = Files.list(CURRENT)) {
      assertThat(files.map(f -> f.getFileName().toString().replace(".avsc", ""))).containsExactlyInAnyOrderElementsOf(ORDER);
    }
  }

  @Test
  void shouldCatchAFieldAddedWithoutADefault() throws IOException {
    Schema previous = parse(PREVIOUS).get("VerificationRequest");
    String json = previous.toString().replace("{\"name\":\"bizId\"", "{\"name\":\"tenant\",\"type\":\"string\"},{\"name\":\"bizId\"");
    Schema broken = new Schema.Parser().parse(json);
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(broken, previous).getType())
        .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
  }

  private static Map<String, Schema> parse(Path dir) throws IOException {
    Schema.Parser parser = new Schema.Parser();
    Map<String, Schema> schemas = new TreeMap<>();
    for (String name : ORDER) {
      Path file = dir.resolve(name + ".avsc");
      if (Files.exists(file)) {
        schemas.put(name, parser.parse(Files.readString(file)));
      }
    }
    return schemas;
  }
}
