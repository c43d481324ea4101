/** Validates junit.xml against the JUnit XSD Jenkins' xUnit plugin uses (vendored in test/fixtures/junit/). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const junitXsd = join(import.meta.dirname, '../fixtures/junit/jenkins-junit-10.xsd');

/** xmllint's verdict on `xml` against the Jenkins JUnit XSD: '' when valid, else its complaints. */
export function xsdProblems(xml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'nauthera-junit-xsd-'));
  try {
    const file = join(dir, 'junit.xml');
    writeFileSync(file, xml);
    const r = spawnSync('xmllint', ['--noout', '--schema', junitXsd, file], { encoding: 'utf8' });
    if (r.error) throw new Error(`xmllint is needed to validate junit.xml (Debian: apt-get install libxml2-utils): ${r.error.message}`);
    return r.status === 0 ? '' : r.stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
