/**
 * Pulls the ```mermaid sequenceDiagram blocks out of Markdown docs, so a team can keep its flows
 * in its own docs. Each block is named from the nearest heading above it (slugified,
 * deduplicated) and keeps a `%%` comment naming where it came from.
 */

export interface MarkdownDiagram {
  /** The nearest preceding heading's text, if any. */
  heading?: string;
  /** 1-based line of the opening fence in the Markdown file. */
  line: number;
  /** The block's content as written, without the fences. */
  body: string;
}

export interface ExtractedDiagram extends MarkdownDiagram {
  /** File name stem: the slug of the heading (or of the Markdown file), deduplicated. */
  name: string;
  /** The .mmd text: a %% source comment followed by the block as written. */
  source: string;
}

/** Finds the mermaid blocks that hold a sequenceDiagram, with their nearest preceding heading. */
export function findSequenceDiagramBlocks(markdown: string): MarkdownDiagram[] {
  const lines = markdown.split(/\r?\n/);
  const found: MarkdownDiagram[] = [];
  let heading: string | undefined;
  let i = 0;
  // YAML front matter is not a setext heading.
  if (lines[0]?.trim() === '---') {
    const close = lines.findIndex((l, n) => n > 0 && /^(---|\.\.\.)\s*$/.test(l));
    if (close > 0) i = close + 1;
  }
  for (; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)(.*)$/.exec(line);
    if (fence) {
      const [, marker, info] = fence;
      const body: string[] = [];
      let j = i + 1;
      // The closing fence uses the same character, at least as long (CommonMark §4.5).
      const closer = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
      for (; j < lines.length && !closer.test(lines[j]); j++) body.push(lines[j]);
      if (info.toLowerCase() === 'mermaid' && isSequenceDiagram(body)) {
        found.push({ ...(heading !== undefined ? { heading } : {}), line: i + 1, body: body.join('\n') });
      }
      i = j;
      continue;
    }
    const atx = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (atx) {
      heading = atx[1].trim();
      continue;
    }
    const next = lines[i + 1];
    if (line.trim() && next !== undefined && /^ {0,3}(=+|-+)\s*$/.test(next) && !/^\s*([-*+]\s|>)/.test(line)) {
      heading = line.trim();
      i++;
    }
  }
  return found;
}

function isSequenceDiagram(body: string[]): boolean {
  let inFrontMatter = false;
  for (const raw of body) {
    const line = raw.trim();
    if (line === '---') {
      inFrontMatter = !inFrontMatter;
      continue;
    }
    if (inFrontMatter || line === '' || line.startsWith('%%')) continue;
    return /^sequenceDiagram\b/.test(line);
  }
  return false;
}

/** `Hybrid Flow (OIDC-specific)` → `hybrid-flow-oidc-specific`. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'diagram';
}

/**
 * Names each block and builds its .mmd text. `taken` holds the names already used in this
 * extraction (across files); a repeated name gets -2, -3...
 */
export function extractSequenceDiagrams(markdown: string, sourceName: string, taken: Set<string> = new Set()): ExtractedDiagram[] {
  const fileStem = slugify(sourceName.replace(/^.*[\\/]/, '').replace(/\.(md|markdown)$/i, ''));
  return findSequenceDiagramBlocks(markdown).map((block) => {
    const base = block.heading ? slugify(block.heading) : fileStem;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    const where = block.heading ? `"${block.heading}" (line ${block.line})` : `line ${block.line}`;
    const source = `%% source: ${sourceName}, ${where}; extracted by nauthera diagrams extract.\n${block.body.replace(/\n*$/, '')}\n`;
    return { ...block, name, source };
  });
}
