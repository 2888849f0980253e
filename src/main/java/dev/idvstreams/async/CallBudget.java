package dev.idvstreams.async;

/**
 * The day's call budget of one API (the cost guard), as one instance may spend it: every attempt
 * takes one call of it when its token is granted; an attempt the budget refuses is held, as for an
 * account error, and asks again.
 */
public interface CallBudget {

  /** No budget: every call may leave. */
  CallBudget NONE = new CallBudget() {
    @Override
    public boolean tryTake() {
      return true;
    }

    @Override
    public boolean spent() {
      return false;
    }
  };

  /** Takes one call of the budget if it has one left for this instance now. */
  boolean tryTake();

  /** Whether this instance's calls are held for the budget now. */
  boolean spent();
}
