// Escaping for everything a report prints that came from a unit file, a policy or a PR body: GitHub
// Markdown prose and table cells, code spans and blocks, and raw HTML. Nothing a unit says may become
// markup, a link, an image, an @-mention or an issue reference.

/** Zero-width space: GitHub does not link `@\u200bname`, so nobody is notified. */
const ZWSP = '\u200b';

/**
 * Characters that end a line or steer the renderer without being seen: C0/C1 controls (newlines,
 * tabs), line/paragraph separators, and bidirectional overrides ("Trojan Source").
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Control characters, newlines and bidi overrides become one space each. */
export function stripControls(text: string): string {
  return text.replace(INVISIBLE, ' ');
}

/** `@name` → `@\u200bname`: GitHub renders the same text but does not notify anyone. */
export function neutralizeMentions(text: string): string {
  return text.replace(/@/g, `@${ZWSP}`);
}

/**
 * Markdown punctuation that can start markup anywhere in a line. `&`, `<` and `>` become entities
 * instead: an entity is literal text in Markdown and in HTML blocks alike. `$` starts GitHub's math.
 */
const MARKDOWN_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '`': '\\`',
  '*': '\\*',
  _: '\\_',
  '[': '\\[',
  ']': '\\]',
  '|': '\\|',
  '#': '\\#',
  '~': '\\~',
  $: '\\$',
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
};

/** At the start of a line these make a list, quote, heading or rule; escaped only there. */
const LINE_START = /^(\s*)([-+=]|\d+(?=[.)]))/;

/**
 * Text → Markdown that renders as exactly that text, on one line, safe in a table cell: markup
 * characters are backslash-escaped, `& < >` become entities, newlines and control characters become
 * spaces, and `@` mentions are neutralised.
 */
export function escapeMarkdown(text: string): string {
  let out = '';
  for (const ch of neutralizeMentions(stripControls(text))) out += MARKDOWN_ESCAPES[ch] ?? ch;
  return out.replace(LINE_START, (_m, space: string, mark: string) =>
    /^\d/.test(mark) ? `${space}${mark}\\` : `${space}\\${mark}`,
  );
}

/** Options for code spans and Markdown inside tables. */
export interface MarkdownContext {
  /**
   * The text goes into a GFM table cell: `|` must be written `\|` even inside a code span (the table
   * is split before code spans are parsed, and GFM then drops the backslash).
   */
  table?: boolean;
}

function longestRun(text: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/**
 * Text → a Markdown code span (`` `x` ``), with a backtick fence longer than any run of backticks inside,
 * so the span cannot be closed early. Code spans show HTML and `@` literally; newlines become spaces.
 */
export function inlineCode(text: string, context: MarkdownContext = {}): string {
  let body = stripControls(text);
  // A backslash right before a pipe would pair with the pipe's escape; a zero-width space parts them.
  if (context.table) body = body.replace(/\\(?=\|)/g, `\\${ZWSP}`).replace(/\|/g, '\\|');
  const fence = '`'.repeat(longestRun(body, '`') + 1);
  // CommonMark strips one space from each end of a span; pad when the body starts or ends with a
  // backtick (it would merge with the fence) or a space (it would be eaten).
  // A span of spaces only is kept as is, so the empty string is written as one space.
  if (/^ *$/.test(body)) return `\`${body || ' '}\``;
  const pad = /^[` ]|[` ]$/.test(body) ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * Lines → a fenced code block (```` ```ini ````), fenced by more backticks than any run inside, so no line
 * can end the block. Control characters other than newlines become spaces (tabs too, unless `keepTabs`:
 * a ```` ```suggestion ```` block must hold the file's lines byte for byte).
 */
export function codeBlock(
  lines: readonly string[],
  language = '',
  options: { keepTabs?: boolean } = {},
): string {
  const clean = (l: string): string =>
    options.keepTabs ? l.split('\t').map(stripControls).join('\t') : stripControls(l);
  const body = lines.map(clean).join('\n');
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  return `${fence}${language}\n${body}\n${fence}`;
}

/**
 * Text → HTML text content (and attribute values): `& < > " '` become entities, control characters
 * spaces, and `@` mentions are neutralised, since GitHub links mentions inside HTML blocks too.
 */
export function escapeHtml(text: string): string {
  return neutralizeMentions(stripControls(text))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * A message the gate wrote with `` `code` `` spans around values it quoted from a unit (e.g.
 * "`ProtectSystem=strict` removed") → Markdown: each backtick-delimited span becomes a safe code span,
 * everything else is escaped as prose. An unpaired backtick is escaped like any other character.
 */
export function escapeMarkdownKeepingCode(text: string, context: MarkdownContext = {}): string {
  const parts = text.split('`');
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const closed = i % 2 === 1 && i < parts.length - 1;
    if (closed) out += part === '' ? '\\`\\`' : inlineCode(part, context);
    else if (i % 2 === 1) out += escapeMarkdown('`' + part);
    else out += escapeMarkdown(part);
  }
  return out;
}

/** Cuts text to at most `max` characters (not splitting a surrogate pair), marking the cut with `…`. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end) + '…';
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A repository path → a relative URI reference: each segment percent-encoded (spaces, `#`, `?`, `%`,
 * parentheses…), `/` kept. Safe in a Markdown link destination and as a SARIF artifact URI.
 */
export function encodeUriPath(path: string): string {
  return path
    .replace(LONE_SURROGATE, '\ufffd')
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%40/g, '@'),
    )
    .join('/');
}
