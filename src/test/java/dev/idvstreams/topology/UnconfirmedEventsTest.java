package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.VerificationRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class UnconfirmedEventsTest {

  private static VerificationRequest request(String bizId) {
    return VerificationRequest.newBuilder().setBizId(bizId).setRequestedAt(Instant.ofEpochMilli(1))
      .setCheck(CredentialCheck.newBuilder().setCredType("03").setCredName("0301")
        .setImage(Image.newBuilder().setUrl("https://img.example/" + bizId + ".jpg").build()).build())
      .build();
  }

  private static DeadLetter letter(VerificationRequest request, long offset) {
    return DeadLetters.builder(DeadLetterStage.PROVIDER, "InternalError", "failed", "t", 0, offset, 5)
      .setBizId(request.getBizId()).setRequest(request).build();
  }

  @Test
  void shouldKeepTheRequestOnceAndGiveItBackToEveryDuplicatesLetter() {
    VerificationRequest first = request("b-1");
    List<SpecificRecord> published = List.of(letter(first, 1), letter(first, 2), letter(first, 3));

    List<SpecificRecord> kept = UnconfirmedEvents.compact(published);
    assertThat(kept).extracting(e -> ((DeadLetter) e).getRequest()).containsExactly(first, null, null);
    assertThat(UnconfirmedEvents.whole(new ArrayList<>(kept))).isEqualTo(published);
  }

  @Test
  void shouldGiveEachCallsDuplicatesTheRequestOfTheirOwnCall() {
    VerificationRequest a = request("b-1");
    VerificationRequest b = VerificationRequest.newBuilder(a).setUserId("other").build();
    List<Object> kept = new ArrayList<>(UnconfirmedEvents.compact(List.of(letter(a, 1), letter(a, 2))));
    kept.addAll(UnconfirmedEvents.compact(List.of(letter(b, 7), letter(b, 8))));

    assertThat(UnconfirmedEvents.whole(kept)).extracting(e -> ((DeadLetter) e).getRequest()).containsExactly(a, a, b, b);
  }
}
