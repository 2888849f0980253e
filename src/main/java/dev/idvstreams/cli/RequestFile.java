package dev.idvstreams.cli;

import dev.idvstreams.avro.VerificationRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.List;

/** A JSON-lines file of requests, read whole: every valid request and every bad line, by line number. */
record RequestFile(List<Line> requests, List<Problem> problems) {

    /** A valid request and the line it came from. */
    record Line(int number, VerificationRequest request) {}

    /** A line that is not a valid request, and why (never the line's content: it may be personal data). */
    record Problem(int number, String message) {}

    /**
     * Reads {@code reader} to the end; blank lines are skipped. Input that is not UTF-8 stops the
     * reading at that line, which is reported as a problem.
     */
    static RequestFile read(BufferedReader reader, RequestJson json) throws IOException {
        List<Line> requests = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        int number = 0;
        while (true) {
            String text;
            try {
                text = reader.readLine();
            } catch (CharacterCodingException e) {
                problems.add(new Problem(number + 1, "not valid UTF-8; the lines after it were not read"));
                break;
            }
            if (text == null) {
                break;
            }
            number++;
            if (text.isBlank()) {
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
