package dev.idvstreams.jsonl;

import dev.idvstreams.avro.VerificationRequest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A JSON-lines file of requests, read whole: every valid request and every bad line, by line number. */
public record RequestFile(List<Line> requests, List<Problem> problems) {

  /** A valid request and the line it came from. */
  public record Line(int number, VerificationRequest request) {}

  /** A line that is not a valid request, and why (never the line's content: it may be personal data). */
  public record Problem(int number, String message) {}

  /**
   * Reads {@code input} to the end. Lines end with LF or CRLF; blank lines are skipped. Each line
   * is decoded as UTF-8 on its own, so a line that is not UTF-8 is reported with its number
   * (a {@code Reader} would fail on its whole buffer, before the lines in front of it).
   */
  public static RequestFile read(InputStream input, RequestJson json) throws IOException {
    List<Line> requests = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
    BufferedInputStream in = new BufferedInputStream(input);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int number = 0;
    for (int b = in.read(); b != -1 || bytes.size() > 0; b = in.read()) {
      if (b != '\n' && b != -1) {
        bytes.write(b);
        continue;
      }
      number++;
      String text;
      try {
        text = utf8.decode(ByteBuffer.wrap(bytes.toByteArray())).toString().stripTrailing();
      } catch (CharacterCodingException e) {
        problems.add(new Problem(number, "not valid UTF-8"));
        continue;
      } finally {
        bytes.reset();
      }
      if (text.isEmpty()) {
        continue;
      }
      try {
        requests.add(new Line(number, json.parse(text)));
      } catch (RequestJson.InvalidRequestException e) {
        problems.add(new Problem(number, e.getMessage()));
      }
    }
    return new RequestFile(List.copyOf(requests), List.copyOf(problems));
  }
}
