import { describe, expect, it } from 'vitest';
import { installCommand, missingParts, systemParts } from '../../harness/commands/setup.ts';
import { main } from '../../harness/cli.ts';

describe('nauthera setup', () => {
  it('finds every system part on a machine that ran setup', () => {
    expect(missingParts()).toEqual([]);
  });

  it('names the exact apt-get command for missing parts', () => {
    const missing = missingParts([{ pkg: 'nauthera-no-such-package', why: 'test', probe: '/nonexistent/nauthera' }]);
    expect(missing.map((p) => p.pkg)).toEqual(['nauthera-no-such-package']);
    expect(installCommand(missing)).toBe('apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nauthera-no-such-package');
    expect(systemParts.map((p) => p.pkg)).toEqual(['slapd', 'ldap-utils', 'chromium', 'fonts-noto-color-emoji']);
  });

  it('answers an unknown command with exit code 2', async () => {
    expect(await main(['no-such-command'])).toBe(2);
  });
});
