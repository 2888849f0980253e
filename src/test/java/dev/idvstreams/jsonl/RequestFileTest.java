package dev.idvstreams.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RequestFileTest {

  private static final String FACE = "\"face\":{\"resourceCode\":\"00840000\",\"refFace\":{\"url\":\"https://r\"},\"authFace\":{\"url\":\"https://a\"}}";
  private final RequestJson json = new RequestJson(Clock.fixed(Instant.parse("2026-11-25T00:00:00Z"), ZoneOffset.UTC));

  @Test
  void shouldNumberLinesAsInTheFileSkippingBlankOnes() throws Exception {
    String file = "{\"bizId\":\"b-1\"," + FACE + "}\r\n"
      + "\n"
      + "   \n"
      + "{\"bizId\":\"b-4\"}\n"
      + "{\"bizId\":\"b-5\"," + FACE + "}";

    RequestFile read = RequestFile.read(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)), json);

    assertThat(read.requests()).extracting(RequestFile.Line::number).containsExactly(1, 5);
    assertThat(read.requests()).extracting(line -> line.request().getBizId()).containsExactly("b-1", "b-5");
    assertThat(read.problems()).containsExactly(
      new RequestFile.Problem(4, "exactly one of credential, material or face is required"));
  }

  @Test
  void shouldReportALineThatIsNotUtf8AndReadOn() throws Exception {
    String line = "{\"bizId\":\"b-1\"," + FACE + "}\n";
    byte[] bytes = (line + "{\"bizId\":\"\u00ff\"," + FACE + "}\n" + line.replace("b-1", "b-3"))
      .getBytes(StandardCharsets.ISO_8859_1);

    RequestFile read = RequestFile.read(new ByteArrayInputStream(bytes), json);

    assertThat(read.requests()).extracting(RequestFile.Line::number).containsExactly(1, 3);
    assertThat(read.problems()).containsExactly(new RequestFile.Problem(2, "not valid UTF-8"));
  }
}
