/**
 * Calling a request's API: a typed binding per check (request in, the client's request out, the
 * answer in, the result out), the per-API call machinery of {@code async}, and the mapping of the
 * client's failures. The topology sees only {@link dev.idvstreams.check.CheckInvoker} and
 * {@link dev.idvstreams.check.Settlement}. Knows nothing of Kafka.
 */
package dev.idvstreams.check;
