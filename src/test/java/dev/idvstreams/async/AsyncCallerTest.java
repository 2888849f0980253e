package dev.idvstreams.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AsyncCallerTest {

  private static final Duration PROBE_INTERVAL = Duration.ofMillis(50);

  private final Vertx vertx = Vertx.vertx();
  private AdaptiveRateLimiter limiter = limiter(1000, AdaptiveRateLimiter.Settings.defaults());
  private final CircuitBreaker breaker = new CircuitBreaker(PROBE_INTERVAL, PROBE_INTERVAL, 1.0, System::nanoTime);

  @AfterEach
  void closeVertx() {
    vertx.close().await();
  }

  @Test
  void shouldSucceedOnTheFirstAttempt() throws Exception {
    ScriptedApi api = new ScriptedApi("ok");

    CallResult<String> outcome = outcomeOf(caller(policy(5, Duration.ofMinutes(1))).call(api, CancelScope.NEVER));

    assertThat(outcome).isInstanceOfSatisfying(CallResult.Success.class, success -> {
      assertThat(success.value()).isEqualTo("ok");
      assertThat(success.attempts()).isEqualTo(1);
      assertThat(success.serviceTime()).isPositive();
    });
  }

  @Test
  void shouldRetryRetryableFailuresUntilSuccess() throws Exception {
    ScriptedApi api = new ScriptedApi(FailureKind.TRANSIENT, FailureKind.REPEATED, FailureKind.THROTTLED, "ok");

    CallResult<String> outcome = outcomeOf(caller(policy(5, Duration.ofMinutes(1))).call(api, CancelScope.NEVER));

    assertThat(outcome).isEqualTo(new CallResult.Success<>("ok", 4, outcome.serviceTime()));
    assertThat(api.calls.get()).isEqualTo(4);
  }

  @Test
  void shouldReportEachAttemptAndEachRetryAsItIsScheduled() throws Exception {
    ScriptedApi api = new ScriptedApi(FailureKind.TRANSIENT, FailureKind.THROTTLED, FailureKind.TRANSIENT);
    List<FailureKind> attempts = new CopyOnWriteArrayList<>();
    AtomicInteger retries = new AtomicInteger();
    CallEvents events = new CallEvents() {
      @Override
      public void attemptEnded(FailureKind failure, Duration latency) {
        attempts.add(failure);
      }

      @Override
      public void retryScheduled() {
        retries.incrementAndGet();
      }
    };
    AsyncCaller<String> caller = new AsyncCaller<>(vertx, limiter, breaker, policy(3, Duration.ofMinutes(1)),
        AsyncCallerTest::classify, Duration.ofMillis(5), System::nanoTime, events);

    CallResult<String> outcome = outcomeOf(caller.call(api, CancelScope.NEVER));

    // the request ends as a failure: its two retries are counted all the same
    assertThat(outcome).isInstanceOf(CallResult.Failure.class);
    assertThat(attempts).containsExactly(FailureKind.TRANSIENT, FailureKind.THROTTLED, FailureKind.TRANSIENT);
    assertThat(retries.get()).isEqualTo(2);
  }

  @Test
  void shouldNotCountRepeatedCallAnswersAgainstTheAttemptBudget() throws Exception {
    // after a transient failure the API still holds the call: only time clears the repeats
    ScriptedApi api = new ScriptedApi(FailureKind.TRANSIENT, FailureKind.REPEATED, FailureKind.REPEATED,
        FailureKind.REPEATED, FailureKind.REPEATED, "ok");

    CallResult<String> outcome = outcomeOf(caller(policy(2, Duration.ofMinutes(1))).call(api, CancelScope.NEVER));

    assertThat(outcome).isInstanceOfSatisfying(CallResult.Success.class, success -> assertThat(success.attempts()).isEqualTo(6));
  }

  @Test
  void shouldStopAtInputRejectedWithoutRetrying() throws Exception {
    ScriptedApi api = new ScriptedApi(FailureKind.INPUT_REJECTED, "never reached");

    CallResult<String> outcome = outcomeOf(caller(policy(5, Duration.ofMinutes(1))).call(api, CancelScope.NEVER));

    assertThat(outcome).isInstanceOfSatisfying(CallResult.Failure.class, failure -> {
      assertThat(failure.kind()).isEqualTo(FailureKind.INPUT_REJECTED);
      assertThat(failure.attempts()).isEqualTo(1);
    });
    assertThat(api.calls.get()).isEqualTo(1);
  }

  @Test
  void shouldGiveUpWithTheLastErrorWhenTheRetryPolicyDoes() throws Exception {
    ScriptedApi api = new ScriptedApi(FailureKind.TRANSIENT, FailureKind.TRANSIENT, FailureKind.TRANSIENT, "ok");

    CallResult<String> outcome = outcomeOf(caller(policy(3, Duration.ofMinutes(1))).call(api, CancelScope.NEVER));

    assertThat(outcome).isInstanceOfSatisfying(CallResult.Failure.class, failure -> {
      assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
      assertThat(failure.attempts()).isEqualTo(3);
      assertThat(failure.error()).hasMessage("call 3: TRANSIENT");
    });
  }

  @Test
  void shouldTreatAnExceptionThrownByTheCallLikeAFailedCall() throws Exception {
    AsyncCaller.Attempt<String> throwing = gate -> {
      throw new IllegalStateException("cannot build the request");
    };

    CallResult<String> outcome = outcomeOf(caller(policy(5, Duration.ofMinutes(1))).call(throwing, CancelScope.NEVER));

    assertThat(outcome).isInstanceOfSatisfying(CallResult.Failure.class, failure -> {
      assertThat(failure.kind()).isEqualTo(FailureKind.FATAL);
      assertThat(failure.error()).hasMessage("cannot build the request");
    });
  }

  @Test
  void shouldEndWithAFatalFailureWhenTheClassifierThrows() throws Exception {
    IllegalArgumentException bug = new IllegalArgumentException("unmapped error");
    AsyncCaller<String> caller = new AsyncCaller<>(vertx, limiter, breaker, policy(5, Duration.ofMinutes(1)),
        error -> {
          throw bug;
        }, Duration.ofMillis(5), System::nanoTime, CallEvents.NONE);

    CallResult<String> outcome = outcomeOf(caller.call(new ScriptedApi(FailureKind.TRANSIENT), CancelScope.NEVER));

    assertThat(outcome).isInstanceOfSatisfying(CallResult.Failure.class, failure -> {
      assertThat(failure.kind()).isEqualTo(FailureKind.FATAL);
      assertThat(failure.error()).isSameAs(bug);
    });
  }

  @Test
  void shouldEndACancelledRequestHeldByTheBreakerWithoutACall() throws Exception {
    CircuitBreaker open = new CircuitBreaker(Duration.ofMinutes(1), Duration.ofMinutes(1), 1.0, System::nanoTime);
    open.onAccountFailure();
    ScriptedApi api = new ScriptedApi("never called");
    CancelScope scope = new CancelScope();
    Future<CallResult<String>> pending = caller(policy(5, Duration.ofMinutes(1)), open, System::nanoTime).call(api, scope);
    await().until(() -> scope.running() == 1);

    scope.cancel();

    assertThat(outcomeOf(pending)).isInstanceOfSatisfying(CallResult.Failure.class,
        failure -> assertThat(failure.kind()).isEqualTo(FailureKind.CANCELLED));
    assertThat(api.calls.get()).isZero();
    assertThat(scope.running()).isZero();
  }

  @Test
  void shouldAbortTheCallOnTheWireAndDropItsLateAnswerWhenCancelled() throws Exception {
    AtomicBoolean aborted = new AtomicBoolean();
    AtomicInteger calls = new AtomicInteger();
    io.vertx.core.Promise<String> answer = io.vertx.core.Promise.promise();
    AsyncCaller.Attempt<String> api = gate -> {
      calls.incrementAndGet();
      gate.abort().onComplete(done -> aborted.set(true));
      return gate.permit().get().compose(permitted -> answer.future());
    };
    CancelScope scope = new CancelScope();
    Future<CallResult<String>> pending = caller(policy(5, Duration.ofMinutes(1))).call(api, scope);
    await().until(() -> calls.get() == 1);

    scope.cancel();
    CallResult<String> outcome = outcomeOf(pending);
    answer.complete("late");

    assertThat(outcome).isInstanceOfSatisfying(CallResult.Failure.class,
        failure -> assertThat(failure.kind()).isEqualTo(FailureKind.CANCELLED));
    await().untilTrue(aborted);
    assertThat(calls.get()).as("no retry after the cancel").isEqualTo(1);
  }

  @Test
  void shouldCountACallOnTheWireFromItsTokenToItsAnswerOnly() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    io.vertx.core.Promise<String> firstAnswer = io.vertx.core.Promise.promise();
    AsyncCaller.Attempt<String> api = gate -> {
      int attempt = attempts.incrementAndGet();
      return gate.permit().get().compose(permitted -> attempt == 1 ? firstAnswer.future() : Future.succeededFuture("ok"));
    };
    RetryPolicy slow = new RetryPolicy(Duration.ofMinutes(1), Duration.ofMinutes(1), 5, Duration.ofHours(1),
        RetryPolicy.RETRYABLE_BY_DEFAULT, () -> 1.0);
    AsyncCaller<String> caller = caller(slow);
    Future<CallResult<String>> pending = caller.call(api, CancelScope.NEVER);
    await().atMost(Duration.ofSeconds(5)).until(() -> caller.onTheWire() == 1);

    // a transient failure: the request goes to its backoff, no longer on the wire
    firstAnswer.fail(new ScriptedFailure(FailureKind.TRANSIENT, "transient"));
    await().atMost(Duration.ofSeconds(5)).until(() -> caller.onTheWire() == 0);
    assertThat(pending.isComplete()).as("in backoff, still to take a permit").isFalse();
  }

  @Test
  void shouldStopABackoffWhenCancelled() throws Exception {
    ScriptedApi api = new ScriptedApi(FailureKind.TRANSIENT, "never reached");
    RetryPolicy slow = new RetryPolicy(Duration.ofMinutes(1), Duration.ofMinutes(1), 5, Duration.ofHours(1),
        RetryPolicy.RETRYABLE_BY_DEFAULT, () -> 1.0);
    CancelScope scope = new CancelScope();
    Future<CallResult<String>> pending = caller(slow).call(api, scope);
    await().until(() -> api.calls.get() == 1 && api.concurrent.get() == 0);

    scope.cancel();

    assertThat(outcomeOf(pending)).isInstanceOfSatisfying(CallResult.Failure.class,
        failure -> assertThat(failure.kind()).isEqualTo(FailureKind.CANCELLED));
    assertThat(api.calls.get()).isEqualTo(1);
  }

  @Test
  void shouldLeaveTheBreakerOpenWhenItsProbeGetsNoAnswer() throws Exception {
    CircuitBreaker quickProbe = new CircuitBreaker(Duration.ofMillis(1), Duration.ofMillis(1), 1.0, System::nanoTime);
    quickProbe.onAccountFailure();
    AtomicInteger calls = new AtomicInteger();
    // sent, then no answer: a timeout
    AsyncCaller.Attempt<String> api = gate -> gate.permit().get().compose(permitted -> {
      calls.incrementAndGet();
      gate.sent().run();
      return Future.failedFuture(new ScriptedFailure(FailureKind.UNANSWERED, "timed out"));
    });

    CallResult<String> probe = outcomeOf(caller(policy(1, Duration.ofMinutes(1)), quickProbe, System::nanoTime)
        .call(api, CancelScope.NEVER));

    assertThat(calls.get()).as("the request went through as the probe").isEqualTo(1);
    assertThat(probe).isInstanceOfSatisfying(CallResult.Failure.class,
        failure -> assertThat(failure.kind()).isEqualTo(FailureKind.UNANSWERED));
    assertThat(quickProbe.state()).as("a timeout says nothing of the account").isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void shouldNotCountAnAttemptThatNeverLeftAgainstTheAttempts() throws Exception {
    AtomicInteger started = new AtomicInteger();
    // twice the connection fails before the request is written (a pooled connection the server
    // closed), then the request leaves and is answered
    AsyncCaller.Attempt<String> api = gate -> gate.permit().get().compose(permitted -> {
      if (started.incrementAndGet() <= 2) {
        return Future.failedFuture(new ScriptedFailure(FailureKind.UNANSWERED, "connection closed"));
      }
      gate.sent().run();
      return Future.succeededFuture("ok");
    });

    CallResult<String> outcome = outcomeOf(caller(policy(2, Duration.ofMinutes(1))).call(api, CancelScope.NEVER));

    assertThat(outcome).as("two attempts allowed, neither unsent one counted").isInstanceOf(CallResult.Success.class);
    assertThat(started.get()).isEqualTo(3);
  }

  @Test
  void shouldCountAnUnansweredAttemptThatLeft() throws Exception {
    AtomicInteger started = new AtomicInteger();
    AsyncCaller.Attempt<String> api = gate -> gate.permit().get().compose(permitted -> {
      started.incrementAndGet();
      gate.sent().run();
      return Future.failedFuture(new ScriptedFailure(FailureKind.UNANSWERED, "timed out"));
    });

    CallResult<String> outcome = outcomeOf(caller(policy(2, Duration.ofMinutes(1))).call(api, CancelScope.NEVER));

    assertThat(outcome).isInstanceOfSatisfying(CallResult.Failure.class,
        failure -> assertThat(failure.kind()).isEqualTo(FailureKind.UNANSWERED));
    assertThat(started.get()).as("the provider may have seen both").isEqualTo(2);
  }

  @Test
  void shouldGiveTheBreakersProbeBackWhenTheProbeIsCancelled() throws Exception {
    CircuitBreaker quickProbe = new CircuitBreaker(Duration.ofMillis(1), Duration.ofMillis(1), 1.0, System::nanoTime);
    quickProbe.onAccountFailure();
    io.vertx.core.Promise<String> never = io.vertx.core.Promise.promise();
    AtomicInteger calls = new AtomicInteger();
    CancelScope scope = new CancelScope();
    Future<CallResult<String>> probe = caller(policy(5, Duration.ofMinutes(1)), quickProbe, System::nanoTime)
        .call(gate -> gate.permit().get().compose(permitted -> {
          calls.incrementAndGet();
          return never.future();
        }), scope);
    await().until(() -> calls.get() == 1 && quickProbe.state() == CircuitBreaker.State.HALF_OPEN);

    scope.cancel();
    outcomeOf(probe);

    assertThat(quickProbe.state()).isEqualTo(CircuitBreaker.State.OPEN);
    CallResult<String> next = outcomeOf(caller(policy(5, Duration.ofMinutes(1)), quickProbe, System::nanoTime)
        .call(new ScriptedApi("ok"), CancelScope.NEVER));
    assertThat(next).isInstanceOf(CallResult.Success.class);
  }

  @Test
  void shouldPaceDeparturesNotTheMomentsCallsBeganToBeBuilt() throws Exception {
    limiter = limiter(5, AdaptiveRateLimiter.Settings.defaults());
    List<Long> departures = new CopyOnWriteArrayList<>();
    AtomicInteger started = new AtomicInteger();
    // the first call is slow to get ready (a cold JVM signing and connecting), the others are quick
    AsyncCaller.Attempt<String> api = gate -> {
      long preparation = started.getAndIncrement() == 0 ? 150 : 1;
      return vertx.timer(preparation).compose(ready -> gate.permit().get()).map(permitted -> {
        departures.add(System.nanoTime());
        return "ok";
      });
    };
    AsyncCaller<String> caller = caller(policy(5, Duration.ofMinutes(1)));

    List<Future<CallResult<String>>> outcomes = List.of(caller.call(api, CancelScope.NEVER),
        caller.call(api, CancelScope.NEVER), caller.call(api, CancelScope.NEVER));
    for (Future<CallResult<String>> outcome : outcomes) {
      outcomeOf(outcome);
    }

    List<Long> sorted = departures.stream().sorted().toList();
    for (int i = 1; i < sorted.size(); i++) {
      assertThat(sorted.get(i) - sorted.get(i - 1)).as("departures at most 5 a second")
          .isGreaterThanOrEqualTo(Duration.ofMillis(195).toNanos());
    }
  }

  @Test
  void shouldCountTheAttemptsWaitingForATokenUntilGrantedOrCancelled() throws Exception {
    limiter.setShare(0); // no part of the limit: every attempt waits for a token
    AsyncCaller<String> caller = caller(policy(1, Duration.ofMinutes(1)));
    AsyncCaller.Attempt<String> api = gate -> gate.permit().get().map(permitted -> "ok");
    CancelScope scope = new CancelScope();

    Future<CallResult<String>> granted = caller.call(api, CancelScope.NEVER);
    Future<CallResult<String>> cancelled = caller.call(api, scope);
    await().atMost(Duration.ofSeconds(5)).until(() -> caller.awaitingPermit() == 2);

    scope.cancel();
    await().atMost(Duration.ofSeconds(5)).until(() -> caller.awaitingPermit() == 1);
    assertThat(outcomeOf(cancelled)).isNotInstanceOf(CallResult.Success.class);
    limiter.setShare(1.0, Duration.ZERO);
    assertThat(outcomeOf(granted)).isInstanceOf(CallResult.Success.class);
    assertThat(caller.awaitingPermit()).isZero();
    assertThat(caller.permitsGranted()).isEqualTo(1);
  }

  @Test
  void shouldGrantTokensInTheOrderTheAttemptsAskedForThem() throws Exception {
    limiter = limiter(20, AdaptiveRateLimiter.Settings.defaults());
    limiter.setShare(0);
    AsyncCaller<String> caller = caller(policy(1, Duration.ofMinutes(1)));
    List<String> order = new CopyOnWriteArrayList<>();
    List<Future<CallResult<String>>> outcomes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String name = "r" + i;
      // each request on an event loop of its own, as the stream threads' requests are
      outcomes.add(caller.call(gate -> gate.permit().get().map(permitted -> {
        order.add(name);
        return "ok";
      }), CancelScope.NEVER));
      int asked = i + 1;
      await().atMost(Duration.ofSeconds(5)).until(() -> caller.awaitingPermit() == asked);
    }

    limiter.setShare(1.0, Duration.ZERO);
    for (Future<CallResult<String>> outcome : outcomes) {
      assertThat(outcomeOf(outcome)).isInstanceOf(CallResult.Success.class);
    }
    assertThat(order).containsExactly("r0", "r1", "r2", "r3", "r4", "r5");
  }

  @Test
  void shouldLowerTheRateWhenThrottled() throws Exception {
    Duration noRecovery = Duration.ofHours(1);
    limiter = limiter(1000, new AdaptiveRateLimiter.Settings(0.5, Duration.ofSeconds(1), 1, noRecovery, 1,
        Duration.ZERO, Duration.ofMillis(20)));
    ScriptedApi api = new ScriptedApi(FailureKind.THROTTLED, "ok");

    outcomeOf(caller(policy(5, Duration.ofMinutes(1))).call(api, CancelScope.NEVER));

    assertThat(limiter.currentRate()).isEqualTo(500);
  }

  @Test
  void shouldNeverMakeTwoConcurrentCallsForOneRequest() throws Exception {
    ScriptedApi api = new ScriptedApi(FailureKind.TRANSIENT, FailureKind.THROTTLED, FailureKind.REPEATED,
        FailureKind.TRANSIENT, "ok");

    CallResult<String> outcome = outcomeOf(caller(policy(10, Duration.ofMinutes(1))).call(api, CancelScope.NEVER));

    assertThat(outcome.attempts()).isEqualTo(5);
    assertThat(api.maxConcurrent.get()).isEqualTo(1);
  }

  @Test
  void shouldPaceCallsByTheRateLimiter() throws Exception {
    limiter = limiter(10, AdaptiveRateLimiter.Settings.defaults());
    AsyncCaller<String> caller = caller(policy(5, Duration.ofMinutes(1)));
    List<Long> callStarts = new CopyOnWriteArrayList<>();
    AsyncCaller.Attempt<String> api = gate -> gate.permit().get().map(permitted -> {
      callStarts.add(System.nanoTime());
      return "ok";
    });

    List<Future<CallResult<String>>> outcomes = List.of(caller.call(api, CancelScope.NEVER), caller.call(api, CancelScope.NEVER), caller.call(api, CancelScope.NEVER));
    for (Future<CallResult<String>> outcome : outcomes) {
      outcomeOf(outcome);
    }

    List<Long> sorted = new ArrayList<>(callStarts);
    Collections.sort(sorted);
    assertThat(sorted.get(1) - sorted.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(90).toNanos());
    assertThat(sorted.get(2) - sorted.get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(90).toNanos());
  }

  @Test
  void shouldHoldRequestsWhileTheBreakerIsOpenAndProceedOnceItCloses() throws Exception {
    AtomicBoolean inDebt = new AtomicBoolean(true);
    AtomicInteger accountFailures = new AtomicInteger();
    List<CircuitBreaker.State> statesSeenByCallsInDebt = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    AsyncCaller.Attempt<String> api = gate -> gate.permit().get().compose(permitted -> {
      calls.incrementAndGet();
      if (inDebt.get()) {
        statesSeenByCallsInDebt.add(breaker.state());
        accountFailures.incrementAndGet();
        return Future.failedFuture(new ScriptedFailure(FailureKind.ACCOUNT, "InDebt"));
      }
      return Future.succeededFuture("ok");
    });
    AsyncCaller<String> caller = caller(policy(2, Duration.ofMinutes(1)));
    breaker.onAccountFailure();

    List<Future<CallResult<String>>> outcomes = List.of(caller.call(api, CancelScope.NEVER), caller.call(api, CancelScope.NEVER), caller.call(api, CancelScope.NEVER));
    await().atMost(Duration.ofSeconds(10)).until(() -> accountFailures.get() >= 3);

    assertThat(outcomes).as("held, neither failed nor answered").noneMatch(Future::isComplete);
    assertThat(statesSeenByCallsInDebt).as("only probes went out").containsOnly(CircuitBreaker.State.HALF_OPEN);

    inDebt.set(false);

    int attempts = 0;
    for (Future<CallResult<String>> outcome : outcomes) {
      CallResult<String> done = outcomeOf(outcome);
      assertThat(done).isInstanceOf(CallResult.Success.class);
      attempts += done.attempts();
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(attempts).as("every call, probes included, is counted").isEqualTo(calls.get());
  }

  @Test
  void shouldHoldRequestsWaitingForATokenWhenTheBreakerOpensMeanwhile() throws Exception {
    // 5 QPS: the first request calls at once, the others wait 200 ms and more for their tokens
    limiter = limiter(5, AdaptiveRateLimiter.Settings.defaults());
    AtomicBoolean inDebt = new AtomicBoolean(true);
    AtomicInteger callsInDebt = new AtomicInteger();
    AsyncCaller.Attempt<String> api = gate -> gate.permit().get().compose(permitted -> {
      if (inDebt.get()) {
        callsInDebt.incrementAndGet();
        // answered after 100 ms: by then the other requests have passed the closed breaker
        return vertx.timer(100).compose(t -> Future.<String>failedFuture(new ScriptedFailure(FailureKind.ACCOUNT, "InDebt")));
      }
      return Future.succeededFuture("ok");
    });
    CircuitBreaker slowProbes = new CircuitBreaker(Duration.ofSeconds(30), Duration.ofSeconds(30), 1.0, System::nanoTime);
    AsyncCaller<String> caller = caller(policy(2, Duration.ofMinutes(1)), slowProbes, System::nanoTime);

    List<Future<CallResult<String>>> outcomes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      outcomes.add(caller.call(api, CancelScope.NEVER));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> callsInDebt.get() >= 1);
    // for longer than every waiting request's token takes (3 × 200 ms), no other call goes out
    await().during(Duration.ofMillis(900)).atMost(Duration.ofSeconds(2)).until(() -> callsInDebt.get() == 1);

    assertThat(slowProbes.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(outcomes).noneMatch(Future::isComplete);
  }

  @Test
  void shouldNotCountAccountFailuresOrHeldTimeAgainstTheRetryBudget() throws Exception {
    ScriptedApi api = new ScriptedApi(FailureKind.ACCOUNT, FailureKind.ACCOUNT, FailureKind.ACCOUNT,
        FailureKind.ACCOUNT, FailureKind.TRANSIENT, "ok");
    // Four account failures hold the request for at least three probe intervals (150 ms).
    RetryPolicy policy = policy(2, Duration.ofMillis(100));

    CallResult<String> outcome = outcomeOf(caller(policy).call(api, CancelScope.NEVER));

    assertThat(outcome).isInstanceOf(CallResult.Success.class);
    assertThat(outcome.attempts()).isEqualTo(6);
  }

  @Test
  void shouldMeasureServiceTimeAsCallsPlusBackoffs() throws Exception {
    ManualClock clock = new ManualClock();
    ScriptedApi api = new ScriptedApi(taking(clock, Duration.ofMillis(30)),
        FailureKind.TRANSIENT, FailureKind.TRANSIENT, "ok");
    RetryPolicy policy = new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(100), 5, Duration.ofMinutes(1),
        RetryPolicy.RETRYABLE_BY_DEFAULT, () -> 0.5);

    CallResult<String> outcome = outcomeOf(caller(policy, breaker, clock).call(api, CancelScope.NEVER));

    assertThat(outcome.serviceTime()).as("3 calls × 30 ms + backoffs of 5 and 10 ms")
        .isEqualTo(Duration.ofMillis(105));
  }

  @Test
  void shouldLeaveTimeHeldByTheBreakerOutOfTheServiceTime() throws Exception {
    ManualClock clock = new ManualClock();
    CircuitBreaker breakerOnClock = new CircuitBreaker(PROBE_INTERVAL, PROBE_INTERVAL, 1.0, clock);
    ScriptedApi api = new ScriptedApi(taking(clock, Duration.ofMillis(30)), FailureKind.ACCOUNT, "ok");

    Future<CallResult<String>> pending = caller(policy(5, Duration.ofMinutes(1)), breakerOnClock, clock).call(api, CancelScope.NEVER);
    await().until(() -> breakerOnClock.state() == CircuitBreaker.State.OPEN);
    clock.advance(Duration.ofSeconds(10));
    CallResult<String> outcome = outcomeOf(pending);

    assertThat(outcome).isInstanceOf(CallResult.Success.class);
    assertThat(outcome.attempts()).isEqualTo(2);
    assertThat(outcome.serviceTime()).isEqualTo(Duration.ofMillis(60));
  }

  private AsyncCaller<String> caller(RetryPolicy policy) {
    return caller(policy, breaker, System::nanoTime);
  }

  private AsyncCaller<String> caller(RetryPolicy policy, CircuitBreaker breaker, LongSupplier nanoTime) {
    return new AsyncCaller<>(vertx, limiter, breaker, policy, AsyncCallerTest::classify,
        Duration.ofMillis(5), nanoTime, CallEvents.NONE);
  }

  private static AdaptiveRateLimiter limiter(double qps, AdaptiveRateLimiter.Settings settings) {
    return new AdaptiveRateLimiter(qps, settings, System::nanoTime);
  }

  private static RetryPolicy policy(int maxAttempts, Duration deadline) {
    return new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(5), maxAttempts, deadline,
        RetryPolicy.RETRYABLE_BY_DEFAULT, () -> 0.5);
  }

  /** Each call takes exactly {@code latency} on the manual clock and answers at once. */
  private static Supplier<Future<Void>> taking(ManualClock clock, Duration latency) {
    return () -> {
      clock.advance(latency);
      return Future.succeededFuture();
    };
  }

  private static FailureKind classify(Throwable error) {
    return error instanceof ScriptedFailure scripted ? scripted.kind : FailureKind.FATAL;
  }

  private static CallResult<String> outcomeOf(Future<CallResult<String>> outcome) throws Exception {
    return outcome.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static final class ScriptedFailure extends RuntimeException {
    final FailureKind kind;

    ScriptedFailure(FailureKind kind, String message) {
      super(message);
      this.kind = kind;
    }
  }

  /** Answers each call with the next scripted value or failure kind, after a delay. */
  private final class ScriptedApi implements AsyncCaller.Attempt<String> {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger concurrent = new AtomicInteger();
    final AtomicInteger maxConcurrent = new AtomicInteger();
    private final Supplier<Future<Void>> latency;
    private final Queue<Object> script;

    ScriptedApi(Object... script) {
      this(() -> vertx.timer(3, TimeUnit.MILLISECONDS), script);
    }

    ScriptedApi(Supplier<Future<Void>> latency, Object... script) {
      this.latency = latency;
      this.script = new ArrayDeque<>(List.of(script));
    }

    @Override
    public Future<String> start(AsyncCaller.Gate gate) {
      return gate.permit().get().compose(permitted -> send());
    }

    private synchronized Future<String> send() {
      int call = calls.incrementAndGet();
      maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      Object next = script.remove();
      return latency.get().compose(v -> {
        concurrent.decrementAndGet();
        return next instanceof FailureKind kind
            ? Future.failedFuture(new ScriptedFailure(kind, "call " + call + ": " + kind))
            : Future.succeededFuture((String) next);
      });
    }
  }
}
