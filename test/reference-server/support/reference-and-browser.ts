/**
 * One reference server (with its slapd) and one Chromium for a whole test file, as the team
 * rules ask: started in beforeAll, stopped in afterAll (the browser first). Call it at the top
 * level of the test file; its members are set once beforeAll ran.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../harness/browser/chromium.ts';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';

export interface ReferenceAndBrowser {
  ref: RunningReference;
  browser: Browser;
}

export function useReferenceAndBrowser(): ReferenceAndBrowser {
  const shared = {} as ReferenceAndBrowser;
  beforeAll(async () => {
    shared.ref = await startReferenceServer();
    shared.browser = await launchChromium();
  });
  afterAll(async () => {
    await shared.browser?.close();
    await shared.ref?.stop();
  });
  return shared;
}
