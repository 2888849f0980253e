package dev.idvstreams.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access key file: rotated in place, the next call after the check interval signs with the new key. */
class KeyFileCredentialsTest {

  @TempDir
  Path dir;

  private final AtomicLong now = new AtomicLong();

  @Test
  void shouldSignWithTheNewKeyOnceTheFileChangedAndTheIntervalPassed() throws Exception {
    Path file = write("LTAI-old", "old-secret", Instant.parse("2026-12-07T10:00:00Z"));
    KeyFileCredentials source = new KeyFileCredentials(file, 1_000, now::get);
    assertThat(source.current().id()).isEqualTo("LTAI-old");

    write("LTAI-new", "new-secret", Instant.parse("2026-12-07T10:05:00Z"));
    now.addAndGet(999);
    assertThat(source.current().id()).as("within the interval: not looked at").isEqualTo("LTAI-old");
    now.addAndGet(1);
    assertThat(source.current().id()).isEqualTo("LTAI-new");
    assertThat(source.current().secret()).isEqualTo("new-secret");
    assertThat(source.toString()).doesNotContain("new-secret").doesNotContain("old-secret");
  }

  @Test
  void shouldKeepTheLastGoodKeyWhenTheChangedFileCannotBeUsed() throws Exception {
    Path file = write("LTAI-old", "old-secret", Instant.parse("2026-12-07T10:00:00Z"));
    KeyFileCredentials source = new KeyFileCredentials(file, 0, now::get);
    Files.writeString(file, "access-key-id=LTAI-half\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-12-07T10:05:00Z")));
    assertThat(source.current().id()).isEqualTo("LTAI-old");
  }

  @Test
  void shouldNameTheFileWhenItCannotBeUsedAtStart() {
    assertThatThrownBy(() -> new KeyFileCredentials(dir.resolve("absent.properties"), 0, now::get))
        .hasMessageContaining("absent.properties");
  }

  private Path write(String id, String secret, Instant modified) throws Exception {
    Path file = dir.resolve("access-key.properties");
    Files.writeString(file, "access-key-id=" + id + "\naccess-key-secret=" + secret + "\n");
    Files.setLastModifiedTime(file, FileTime.from(modified));
    return file;
  }
}
