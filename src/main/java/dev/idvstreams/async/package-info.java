/**
 * Calling a rate-limited API asynchronously, in parts the verify processor wires together, one
 * set per API. Nothing here knows Kafka, Avro or the API client.
 *
 * <ul>
 *   <li>{@link dev.idvstreams.async.InFlightQueue}: the bounded in-flight set; completions cross
 *       from Vert.x threads to the stream thread through it, and only there are they forwarded.
 *   <li>{@link dev.idvstreams.async.ConcurrencyBound}: what that bound should be (Little's law).
 *   <li>{@link dev.idvstreams.async.AdaptiveRateLimiter}: permits at the account's QPS share, AIMD.
 *   <li>{@link dev.idvstreams.async.RetryPolicy}: backoff with full jitter, attempts, deadline.
 *   <li>{@link dev.idvstreams.async.CircuitBreaker}: holds calls while the account cannot call.
 *   <li>{@link dev.idvstreams.async.AsyncCaller}: one request's attempts, composed from the above.
 * </ul>
 *
 * <p>The processor's side, on the stream thread:
 * <pre>{@code
 * // process(record), once the store says the call is new:
 * Optional<CompletionHandle<CallResult<R>>> handle;
 * while ((handle = queue.tryPut(bizId)).isEmpty()) {   // at the bound: backpressure
 *     queue.awaitCompletion(Duration.ofMillis(100));
 *     queue.drainCompleted(this::forward);
 * }
 * caller.call(() -> client.verify(request)).onSuccess(handle.get()::complete);
 *
 * // forward(completion), from process() and a wall-clock punctuator:
 * bound.recordServiceTime(completion.value().serviceTime());
 * queue.setBound(bound.boundFor(limiter.currentRate()));
 * // ... write the result or dead letter, update the store
 * }</pre>
 */
package dev.idvstreams.async;
