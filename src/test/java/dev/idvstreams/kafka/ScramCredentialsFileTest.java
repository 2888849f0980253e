package dev.idvstreams.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.security.scram.ScramExtensionsCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SCRAM credentials file is read at every authentication: what it holds then is what is sent. */
class ScramCredentialsFileTest {

  @TempDir
  Path dir;

  @Test
  void shouldAnswerEachAuthenticationWithWhatTheFileHoldsThen() throws Exception {
    Path file = Files.writeString(dir.resolve("scram.properties"), "username=idv\npassword=first\n");
    ScramCredentialsFile handler = configured(file);
    assertThat(authenticate(handler)).containsExactly("idv", "first");

    Files.writeString(file, "username=idv\npassword=second\n");
    assertThat(authenticate(handler)).containsExactly("idv", "second");
  }

  @Test
  void shouldNameWhatIsMissingWhenTheClientIsBuilt() throws Exception {
    assertThatThrownBy(() -> new ScramCredentialsFile().configure(Map.of(), "SCRAM-SHA-512", List.of(entry(Map.of()))))
        .isInstanceOf(KafkaException.class).hasMessageContaining(ScramCredentialsFile.FILE_OPTION);
    Path half = Files.writeString(dir.resolve("half.properties"), "username=idv\n");
    assertThatThrownBy(() -> configured(half)).isInstanceOf(KafkaException.class).hasMessageContaining("half.properties")
        .hasMessageContaining("password");
    assertThatThrownBy(() -> configured(dir.resolve("absent.properties"))).hasMessageContaining("absent.properties");
  }

  private static ScramCredentialsFile configured(Path file) {
    ScramCredentialsFile handler = new ScramCredentialsFile();
    handler.configure(Map.of(), "SCRAM-SHA-512", List.of(entry(Map.of(ScramCredentialsFile.FILE_OPTION, file.toString()))));
    return handler;
  }

  private static AppConfigurationEntry entry(Map<String, ?> options) {
    return new AppConfigurationEntry("org.apache.kafka.common.security.scram.ScramLoginModule",
        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options);
  }

  private static List<String> authenticate(ScramCredentialsFile handler) throws Exception {
    NameCallback name = new NameCallback("user");
    PasswordCallback password = new PasswordCallback("password", false);
    handler.handle(new Callback[] {name, password, new ScramExtensionsCallback()});
    return List.of(name.getName(), new String(password.getPassword()));
  }
}
