package dev.idvstreams.group;

/**
 * What an instance tells the group about its work for one API.
 *
 * @param demand the calls it could start within the next second ({@link LaneDemand})
 * @param idleMillis how long ago its newest call left that is not among as many newest calls as
 *     the part it claims, less its lane's arrival guard, since the call may reach the provider
 *     that late ({@link #NEVER} if none did lately): the calls it may still have in a window
 *     beyond that part left that long ago, so a part it gives up is free for another instance
 *     that much sooner. With a claim of 0, its last call.
 */
public record ApiLoad(long demand, long idleMillis) {

  /** The idle time of an instance that has made no call: longer than any window. */
  public static final long NEVER = 86_400_000L;

  public ApiLoad {
    demand = Math.max(0, demand);
    idleMillis = Math.max(0, Math.min(NEVER, idleMillis));
  }
}
