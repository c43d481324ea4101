/**
 * The long-running commands (`nauthera ldap`, `nauthera serve`): start something, say how to
 * reach it once it is ready, run until SIGINT/SIGTERM, then stop it.
 */

/** Resolves with the first SIGINT or SIGTERM, then stops listening. */
export function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export interface ReadyMessage<T> {
  /** Print the one JSON line of `summary` instead of `text`. */
  json: boolean | undefined;
  summary: (started: T) => unknown;
  text: (started: T) => string;
}

/**
 * Starts, prints the ready message (one JSON line with --json, else text), waits for
 * SIGINT/SIGTERM and stops, even when printing fails.
 */
export async function runUntilSignal<T extends { stop(): Promise<void> }>(start: () => Promise<T>, ready: ReadyMessage<T>): Promise<void> {
  // Listen before starting, so a signal during start-up still stops what started cleanly.
  const signalled = waitForSignal();
  const started = await start();
  try {
    console.log(ready.json ? JSON.stringify(ready.summary(started)) : ready.text(started));
    await signalled;
  } finally {
    await started.stop();
  }
}
