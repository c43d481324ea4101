/** report.html's "copy as curl", and its second masking of every exchange it shows. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curlCommand, maskExchange, shellQuote } from '../../harness/report/html/curl.ts';
import type { HttpEvidence } from '../../harness/results/model.ts';

const exchange = (request: HttpEvidence['request'], response?: HttpEvidence['response']): HttpEvidence => ({ kind: 'http', request, ...(response ? { response } : {}), durationMs: 3 });

describe('copy as curl', () => {
  it('writes the method, URL, headers and body, quoted for a POSIX shell', () => {
    const cmd = curlCommand(exchange({
      method: 'POST',
      url: 'http://127.0.0.1:4000/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic ****', 'content-length': '42', 'x-note': "it's" },
      body: 'grant_type=authorization_code&code=SplxlO…(43 chars)&redirect_uri=https%3A%2F%2Frp.example%2Fcb',
    }));
    expect(cmd).toBe([
      "curl -X POST http://127.0.0.1:4000/token",
      "-H 'content-type: application/x-www-form-urlencoded'",
      "-H 'authorization: Basic ****'",
      "-H 'x-note: it'\\''s'",
      "--data-raw 'grant_type=authorization_code&code=SplxlO…(43 chars)&redirect_uri=https%3A%2F%2Frp.example%2Fcb'",
    ].join(' \\\n  '));
    // The shell reads back every argument as written.
    const args = execFileSync('sh', ['-c', `printf '%s\\n' ${cmd.replace(/ \\\n {2}/g, ' ')}`], { encoding: 'utf8' }).trimEnd().split('\n');
    expect(args).toContain("x-note: it's");
    expect(args).toContain('grant_type=authorization_code&code=SplxlO…(43 chars)&redirect_uri=https%3A%2F%2Frp.example%2Fcb');
  });

  it('leaves GET implicit and quotes only what needs it', () => {
    expect(curlCommand(exchange({ method: 'GET', url: 'http://127.0.0.1:4000/.well-known/openid-configuration', headers: {} }))).toBe('curl http://127.0.0.1:4000/.well-known/openid-configuration');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'");
  });

  it('masks a secret the recorder left in full, and keeps what it masked already', () => {
    const secret = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVlLWxvbmc';
    const leaked = exchange({
      method: 'POST',
      url: `https://idp.example/token?access_token=${secret}&state=abc`,
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_secret: 'hunter2-hunter2', refresh_token: secret, already: 'x', code: 'abcdef…(43 chars)' }),
    }, { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: secret, token_type: 'Bearer' }) });
    const masked = maskExchange(leaked);
    const all = JSON.stringify(masked) + curlCommand(leaked);
    expect(all).not.toContain(secret);
    expect(all).not.toContain('hunter2');
    expect(masked.request.url).toBe('https://idp.example/token?access_token=eyJhbG…(69 chars)&state=abc');
    expect(masked.request.headers.authorization).toBe('Bearer eyJhbG…(69 chars)');
    expect(JSON.parse(masked.request.body!)).toEqual({ client_secret: '****', refresh_token: 'eyJhbG…(69 chars)', already: 'x', code: 'abcdef…(43 chars)' });
    expect(JSON.parse(masked.response!.body!).access_token).toBe('eyJhbG…(69 chars)');
    // What the recorder masked keeps its length (masking it again would count the mask).
    const recorded = exchange({ method: 'GET', url: 'https://rp.example/cb?code=abcdef…(43 chars)', headers: { authorization: 'Bearer eyJhbG…(812 chars)' } });
    expect(maskExchange(recorded)).toEqual(recorded);
  });
});

describe('URLs inside free text', () => {
  it('are masked as an exchange\'s URL is (a page title or a detail naming the redirect)', async () => {
    const { maskUrlsIn } = await import('../../harness/report/html/curl.ts');
    const code = 'u2z46Fdh6D2JCTeOiUKBzo3Pc_lw-2YfH-CWsSPFjmA';
    const text = `the browser stopped on a page "Loading https://rp.example/callback?code=${code}&state=xyz" at https://rp.example/callback`;
    expect(maskUrlsIn(text)).toBe('the browser stopped on a page "Loading https://rp.example/callback?code=u2z46F…(43 chars)&state=xyz" at https://rp.example/callback');
  });
});
