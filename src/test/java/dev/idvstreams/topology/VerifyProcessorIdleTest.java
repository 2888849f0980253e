package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

/** The completion punctuator runs only while its task has work, and the instance says when it has some. */
class VerifyProcessorIdleTest {

  private final VerifyProcessorFixture fixture = new VerifyProcessorFixture(EventDelivery.IN_TRANSACTION);

  @Test
  void shouldPunctuateOnlyWhileThereIsWork() {
    MockProcessorContext<String, SpecificRecord> context = fixture.start();
    // a new store is indexed first, by the punctuator: background work
    assertThat(VerifyProcessorFixture.punctuating(context)).isTrue();
    assertThat(fixture.control.hasWork()).isTrue();
    VerifyProcessorFixture.punctuate(context); // indexes the empty store
    VerifyProcessorFixture.punctuate(context); // nothing left: cancels itself
    assertThat(VerifyProcessorFixture.punctuating(context)).isFalse();
    assertThat(fixture.control.hasWork()).isFalse();

    fixture.process(context, "b-1");
    assertThat(VerifyProcessorFixture.punctuating(context)).as("a call in flight").isTrue();
    assertThat(fixture.control.hasWork()).isTrue();
    fixture.invoker.answer("b-1", VerifyProcessorFixture.passed("b-1"));
    VerifyProcessorFixture.punctuate(context);
    assertThat(context.forwarded()).hasSize(1);
    assertThat(fixture.control.hasWork()).isFalse();
    VerifyProcessorFixture.punctuate(context);
    assertThat(VerifyProcessorFixture.punctuating(context)).isFalse();

    fixture.process(context, "b-1"); // a duplicate, answered from the store at once: no work left
    assertThat(context.forwarded()).hasSize(2);
    assertThat(VerifyProcessorFixture.punctuating(context)).isFalse();
  }
}
