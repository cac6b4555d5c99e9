// The glob translation the policy used before picomatch, kept only as the oracle of the agreement test.
// Glob patterns of the policy (`units[].match`, `exclude[].match`) as regular expressions: `*` and `?`
// stay within one path segment, `**` as a whole segment spans any number of segments, `[…]`/`[!…]`
// are character classes, `{a,b}` are alternatives and `\` quotes the next character.

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\/]/;

function quote(c: string): string {
  return REGEXP_SPECIAL.test(c) ? `\\${c}` : c;
}

/** Index of the `]` that closes the class opened at `open`, or -1 (then `[` is an ordinary character). */
function classEnd(glob: string, open: number): number {
  let k = open + 1;
  if (glob[k] === '!' || glob[k] === '^') k++;
  if (glob[k] === ']') k++; // a leading `]` is a member, as in fnmatch(3)
  for (; k < glob.length; k++) {
    if (glob[k] === '\\') k++;
    else if (glob[k] === ']') return k;
  }
  return -1;
}

/** Index of the `}` that closes the group opened at `open` (nesting counted), or -1. */
function groupEnd(glob: string, open: number): number {
  let depth = 0;
  for (let k = open; k < glob.length; k++) {
    if (glob[k] === '\\') k++;
    else if (glob[k] === '{') depth++;
    else if (glob[k] === '}' && --depth === 0) return k;
  }
  return -1;
}

/** Splits a group's body at its top-level commas. */
function alternatives(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let k = 0; k < body.length; k++) {
    if (body[k] === '\\') k++;
    else if (body[k] === '{') depth++;
    else if (body[k] === '}') depth--;
    else if (body[k] === ',' && depth === 0) {
      out.push(body.slice(start, k));
      start = k + 1;
    }
  }
  out.push(body.slice(start));
  return out;
}

function translate(glob: string, segmentStart: boolean): string {
  let out = '';
  for (let k = 0; k < glob.length; k++) {
    const c = glob[k] as string;
    const atSegmentStart = k === 0 ? segmentStart : glob[k - 1] === '/';
    if (c === '\\') {
      k++;
      out += quote(glob[k] ?? '\\');
    } else if (c === '*') {
      let run = 1;
      while (glob[k + run] === '*') run++;
      const next = glob[k + run];
      if (run === 2 && atSegmentStart && next === '/') {
        out += '(?:.*/)?'; // `**/` — zero or more whole segments
        k += run; // also consumes the `/`
      } else if (run === 2 && atSegmentStart && next === undefined) {
        out += '.*';
        k += run - 1;
      } else {
        out += '[^/]*'; // elsewhere, any run of `*` is one `*` (as in .gitignore)
        k += run - 1;
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[' && classEnd(glob, k) !== -1) {
      const end = classEnd(glob, k);
      let body = glob.slice(k + 1, end);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      let members = '';
      for (let m = 0; m < body.length; m++) {
        const b = body[m] as string;
        if (b === '\\') members += `\\${body[++m] ?? '\\'}`;
        else members += b === '-' ? '-' : /[\]\\^[]/.test(b) ? `\\${b}` : b;
      }
      out += negated ? `[^/${members}]` : `[${members}]`;
      k = end;
    } else if (c === '{' && groupEnd(glob, k) !== -1) {
      const end = groupEnd(glob, k);
      const options = alternatives(glob.slice(k + 1, end));
      if (options.length < 2) out += quote('{');
      else {
        out += `(?:${options.map((o) => translate(o, atSegmentStart)).join('|')})`;
        k = end;
      }
    } else {
      out += quote(c);
    }
  }
  return out;
}

/** The anchored regular expression for a glob; a leading `./` or `/` means the repository root. */
export function globToRegExp(glob: string): RegExp {
  const rooted = glob.replace(/^(?:\.\/|\/)+/, '');
  return new RegExp(`^${translate(rooted, true)}$`);
}

const cache = new Map<string, RegExp>();

/** True when `glob` matches `subject` (a repository path without leading `./`, or a unit name). */
export function matchesGlob(glob: string, subject: string): boolean {
  let re = cache.get(glob);
  if (!re) {
    re = globToRegExp(glob);
    cache.set(glob, re);
  }
  return re.test(subject.replace(/^(?:\.\/)+/, ''));
}
