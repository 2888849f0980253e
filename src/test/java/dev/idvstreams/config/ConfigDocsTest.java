package dev.idvstreams.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {

  /** Set to true to rewrite docs/configuration.md from IdvConfig instead of checking it. */
  private static final String REGENERATE = "idv.regenerateDocs";

  @Test
  void shouldMatchTheCommittedConfigurationPage() throws IOException {
    if (Boolean.getBoolean(REGENERATE)) {
      ConfigDocs.write(ConfigDocs.DEFAULT_PATH);
    }

    String committed = Files.exists(ConfigDocs.DEFAULT_PATH)
        ? Files.readString(ConfigDocs.DEFAULT_PATH, StandardCharsets.UTF_8)
        : "";

    assertThat(committed)
        .as("%s is out of date with IdvConfig. Regenerate it with: flock /tmp/mvn.lock mvn -B -o -q test "
            + "-Dtest=ConfigDocsTest -D%s=true", ConfigDocs.DEFAULT_PATH, REGENERATE)
        .isEqualTo(ConfigDocs.render());
  }

  @Test
  void shouldRenderOneRowPerKeyWithItsVariable() {
    String page = ConfigDocs.render();

    for (String key : IdvConfig.configDef().names()) {
      assertThat(page).containsOnlyOnce("| `" + key + "` | `" + ConfigLoader.environmentVariable(key) + "` |");
    }
  }

  @Test
  void shouldMarkRequiredKeysAndShowDefaultsAndValidValues() {
    String page = ConfigDocs.render();

    assertThat(page)
        .contains("| `bootstrap.servers` | `IDV_BOOTSTRAP_SERVERS` | list | **required** |")
        .contains("| `topic.requests` | `IDV_TOPIC_REQUESTS` | string | `idv.requests` | 1..249 of [a-zA-Z0-9._-] | high |")
        .contains("| `qps.face-verify` | `IDV_QPS_FACE_VERIFY` | int | `50` | [1,...,100000] | high |");
  }
}
