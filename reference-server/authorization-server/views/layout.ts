/** The page frame of every server-rendered page: no scripts, inline styles only (see security-headers.ts). */
import { html, type Html } from './html.ts';

export function layout(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · nauthera</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; color: #1d2b36; }
  h1 { font-size: 1.4rem; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input[type=text], input[type=password] { width: 100%; padding: .5rem; font-size: 1rem; box-sizing: border-box; }
  button { margin-top: 1.2rem; margin-right: .5rem; padding: .5rem 1.2rem; font-size: 1rem; }
  [role=alert] { background: #fde8e8; border: 1px solid #e0a0a0; padding: .6rem; }
  ul.scopes li { margin: .3rem 0; }
  code { background: #eef; padding: 0 .2rem; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.text;
}
