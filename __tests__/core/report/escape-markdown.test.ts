import {
  codeBlock,
  encodeUriPath,
  escapeHtml,
  escapeMarkdown,
  escapeMarkdownKeepingCode,
  inlineCode,
  neutralizeMentions,
  stripControls,
  truncateText,
} from '../../../src/core/report/escape-markdown';

const ZWSP = '\u200b';

describe('escapeMarkdown()', () => {
  it.each([
    ['plain text', 'ProtectSystem strict', 'ProtectSystem strict'],
    ['an @-mention', '@everyone', `@${ZWSP}everyone`],
    ['a team mention', 'ping @org/team', `ping @${ZWSP}org/team`],
    ['HTML', '<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['an entity', '&lt;b&gt;', '&amp;lt;b&amp;gt;'],
    ['a table pipe', 'a|b', 'a\\|b'],
    ['backticks', '`code`', '\\`code\\`'],
    ['a link', '[x](javascript:alert(1))', '\\[x\\](javascript:alert(1))'],
    ['a link tail', '](javascript:…)', '\\](javascript:…)'],
    ['an image', '![x](http://e/x.png)', '!\\[x\\](http://e/x.png)'],
    ['emphasis', '*b* _i_ ~~s~~', '\\*b\\* \\_i\\_ \\~\\~s\\~\\~'],
    ['a heading or issue reference', '# 1 #2', '\\# 1 \\#2'],
    ['a backslash', 'a\\b', 'a\\\\b'],
    ['math', '$x$', '\\$x\\$'],
    ['a list marker at the start', '- item', '\\- item'],
    ['a plus at the start', '+ item', '\\+ item'],
    ['an ordered list marker at the start', '1. item', '1\\. item'],
    ['a setext underline', '===', '\\==='],
    ['a quote at the start', '> quote', '&gt; quote'],
    ['newlines and tabs', 'a\nb\r\nc\td', 'a b  c d'],
    ['control characters', 'a\u0000b\u001bc\u007fd\u0085e', 'a b c d e'],
    ['bidi overrides', 'a\u202eb\u2066c', 'a b c'],
    ['line separators', 'a\u2028b\u2029c', 'a b c'],
    ['non-ASCII text', 'Überwachung → 9.6 😨', 'Überwachung → 9.6 😨'],
  ])('%s', (_name, input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('escapes the whole hostile sample', () => {
    const out = escapeMarkdown('@everyone <img src=x onerror=alert(1)> | `x` ](javascript:alert(1))');
    expect(out).not.toMatch(/(^|[^\\])[<>|`[\]]/);
    expect(out).not.toMatch(/@everyone/);
    expect(out).toBe(
      `@${ZWSP}everyone &lt;img src=x onerror=alert(1)&gt; \\| \\\`x\\\` \\](javascript:alert(1))`,
    );
  });
});

describe('inlineCode()', () => {
  it.each([
    ['plain', 'ProtectSystem=strict', {}, '`ProtectSystem=strict`'],
    ['one backtick inside', 'a`b', {}, '``a`b``'],
    ['a run of three', 'a```b', {}, '````a```b````'],
    ['leading backtick', '`a', {}, '`` `a ``'],
    ['trailing backtick', 'a`', {}, '`` a` ``'],
    ['leading space', ' a', {}, '`  a `'],
    ['empty', '', {}, '` `'],
    ['HTML stays literal', '<b>@everyone</b>', {}, '`<b>@everyone</b>`'],
    ['newlines become spaces', 'a\nb', {}, '`a b`'],
    ['a pipe outside a table', 'a|b', {}, '`a|b`'],
    ['a pipe in a table', 'a|b', { table: true }, '`a\\|b`'],
    ['a backslash before a pipe in a table', 'a\\|b', { table: true }, `\`a\\${ZWSP}\\|b\``],
  ])('%s', (_name, input, context, expected) => {
    expect(inlineCode(input, context)).toBe(expected);
  });
});

describe('codeBlock()', () => {
  it.each([
    ['plain', ['A=1', 'B=2'], 'ini', '```ini\nA=1\nB=2\n```'],
    ['a fence inside', ['x ``` y'], 'ini', '````ini\nx ``` y\n````'],
    ['a long fence inside', ['`````'], '', '``````\n`````\n``````'],
    ['control characters', ['a\rb'], '', '```\na b\n```'],
  ])('%s', (_name, lines, lang, expected) => {
    expect(codeBlock(lines, lang)).toBe(expected);
  });
});

describe('escapeHtml()', () => {
  it.each([
    ['tags', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['quotes', `"a" 'b'`, '&quot;a&quot; &#39;b&#39;'],
    ['ampersand', 'a&b', 'a&amp;b'],
    ['a mention', '@everyone', `@${ZWSP}everyone`],
    ['newlines', 'a\nb', 'a b'],
  ])('%s', (_name, input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe('escapeMarkdownKeepingCode()', () => {
  it.each([
    ['a gate summary', '`ProtectSystem=strict` removed', {}, '`ProtectSystem=strict` removed'],
    ['two spans', '`A=1` → `A=2`', {}, '`A=1` → `A=2`'],
    ['HTML outside spans', '<b> `x` </b>', {}, '&lt;b&gt; `x` &lt;/b&gt;'],
    ['a mention outside spans', '@everyone `@x`', {}, `@${ZWSP}everyone \`@x\``],
    ['an unpaired backtick', 'a `b', {}, 'a \\`b'],
    ['an empty span', 'a `` b', {}, 'a \\`\\` b'],
    ['a pipe in a table', '`a|b` | c', { table: true }, '`a\\|b` \\| c'],
  ])('%s', (_name, input, context, expected) => {
    expect(escapeMarkdownKeepingCode(input, context)).toBe(expected);
  });
});

describe('helpers', () => {
  it.each([
    ['units/api.service', 'units/api.service'],
    ['units/my unit.service', 'units/my%20unit.service'],
    ['units/foo@.service', 'units/foo@.service'],
    ['a#b?c%d(e)', 'a%23b%3Fc%25d%28e%29'],
    ['c:/x', 'c%3A/x'],
  ])('encodeUriPath(%j) = %j', (input, expected) => {
    expect(encodeUriPath(input)).toBe(expected);
  });

  it('truncates without splitting a surrogate pair', () => {
    expect(truncateText('abcdef', 4)).toBe('abc…');
    expect(truncateText('abc', 4)).toBe('abc');
    expect(truncateText('ab😨cd', 4)).toBe('ab…');
  });

  it('strips controls and neutralises mentions', () => {
    expect(stripControls('a\nb')).toBe('a b');
    expect(neutralizeMentions('a@b @c')).toBe(`a@${ZWSP}b @${ZWSP}c`);
  });
});
