/**
 * Expected failures: a target's known departures, listed in its config so that CI can gate
 * on everything else. An entry names a check by its stable id (or, deprecated, by its
 * name), optionally one step, and optionally a `detail` pattern: a different failure of
 * the same check is then not absorbed.
 */

/** An entry of the config's expectedFailures, as far as matching goes. */
export interface ExpectedFailureEntry {
  flow?: string;
  /** The arrow text of the step; any step of the flow when absent. */
  step?: string;
  /** The check id, `<flow>/<step key>/<check key>`. */
  id?: string;
  /** The check name (deprecated: names change, ids do not). */
  check?: string;
  /** A regular expression the failed check's detail must match. */
  detail?: string;
  reason: string;
}

export interface FailedCheck {
  flow: string;
  stepText: string;
  id?: string;
  name: string;
  detail: string;
}

const normText = (s: string) => s.replace(/\s+/g, ' ').trim();

function detailMatches(pattern: string | undefined, detail: string): boolean {
  if (pattern === undefined) return true;
  try {
    return new RegExp(pattern).test(detail);
  } catch {
    return false; // The config loader refuses a pattern that does not compile; never absorb on one.
  }
}

/** The first entry that covers this failure, if any. */
export function matchExpectedFailure<E extends ExpectedFailureEntry>(list: readonly E[], failed: FailedCheck): E | undefined {
  return list.find((x) => {
    if (x.id !== undefined) {
      if (x.id !== failed.id) return false;
    } else if (x.check === undefined || x.check !== failed.name || x.flow !== failed.flow) {
      return false;
    }
    if (x.flow !== undefined && x.flow !== failed.flow) return false;
    if (x.step !== undefined && normText(x.step) !== normText(failed.stepText)) return false;
    return detailMatches(x.detail, failed.detail);
  });
}
