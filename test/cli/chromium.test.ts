import { expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchChromium } from '../../harness/browser/chromium.ts';

it('launches the system Chromium and loads a loopback page', async () => {
  const server = createServer((_req, res) => res.end('<title>nauthera</title><h1>ok</h1>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    expect(await page.title()).toBe('nauthera');
  } finally {
    await browser.close();
    server.close();
  }
});
