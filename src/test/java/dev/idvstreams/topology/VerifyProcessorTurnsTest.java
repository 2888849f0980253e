package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.avro.VerificationRequest;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

/** A task with requests waiting and none in flight starts one when the instance's bound is taken by other tasks. */
class VerifyProcessorTurnsTest {

  private final VerifyProcessorFixture fixture = new VerifyProcessorFixture(EventDelivery.IN_TRANSACTION);

  @Test
  void shouldStartOneRequestBeyondATakenBoundWhenTheTaskHasNoneInFlight() {
    MockProcessorContext<String, SpecificRecord> context = fixture.start();
    fixture.invoker.roomInBound = false; // other tasks hold the instance's room

    fixture.process(context, "t-1");
    fixture.process(context, "t-2");
    assertThat(fixture.invoker.calls).extracting(VerificationRequest::getBizId).as("one, not two")
        .containsExactly("t-1");

    fixture.invoker.answer("t-1", VerifyProcessorFixture.passed("t-1"));
    VerifyProcessorFixture.punctuate(context);
    assertThat(fixture.invoker.calls).extracting(VerificationRequest::getBizId).as("the next once none is in flight")
        .containsExactly("t-1", "t-2");
  }

  @Test
  void shouldStartNoneBeyondTheCeiling() {
    MockProcessorContext<String, SpecificRecord> context = fixture.start();
    fixture.invoker.roomInBound = false;
    fixture.invoker.belowMax = false;

    fixture.process(context, "t-1");
    VerifyProcessorFixture.punctuate(context);

    assertThat(fixture.invoker.calls).isEmpty();
  }
}
