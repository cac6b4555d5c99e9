// Glob patterns of the policy (`units[].match`, `exclude[].match`) and of path filters, matched with
// picomatch: `*` and `?` stay within one path segment, `**` as a whole segment spans any number of
// segments, `[…]`/`[!…]` are character classes, `{a,b}` are alternatives and `\` quotes the next character.
// Everything else is literal: translate() escapes what picomatch would read otherwise (quotes, `|`,
// parentheses, one-alternative groups such as ranges) so a glob means the same for every caller, and
// refuses the few forms picomatch 4 reads otherwise: an invalid glob is an error, never a silent miss.
import picomatch from 'picomatch/posix';

// dot: `*` matches `.hidden` as well; noextglob/nonegate: `+(x)` and a leading `!` are literal;
// posix: `[!a]` is a negated class; strictSlashes: a `*` never matches a trailing slash.
const OPTIONS: picomatch.PicomatchOptions = {
  dot: true,
  noextglob: true,
  nonegate: true,
  posix: true,
  strictSlashes: true,
  debug: true, // an invalid regular expression throws instead of silently matching nothing
};

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

/** Whether the group body has a comma outside nested braces, i.e. at least two alternatives. */
function hasAlternatives(body: string): boolean {
  let depth = 0;
  for (let k = 0; k < body.length; k++) {
    if (body[k] === '\\') k++;
    else if (body[k] === '{') depth++;
    else if (body[k] === '}') depth--;
    else if (body[k] === ',' && depth === 0) return true;
  }
  return false;
}

/**
 * The glob in picomatch's syntax with the meaning described above. Repeated `**` segments collapse into
 * one, so matching stays linear in the path's segments; a trailing `**` needs at least one segment.
 */
function translate(glob: string): string {
  let out = '';
  // Per open group: its closing index, and whether its alternatives start a segment.
  const groups: { end: number; segmentStart: boolean }[] = [];
  let segmentStart = true;
  for (let k = 0; k < glob.length; k++) {
    const c = glob[k] as string;
    const group = groups[groups.length - 1];
    const startsHere: boolean = segmentStart;
    segmentStart = false;
    if (c === '\\') {
      k++;
      const quoted = glob[k] ?? '\\';
      if (groups.length > 0 && (quoted === '{' || quoted === '}'))
        throw new Error('a literal brace inside {…} is not supported');
      // picomatch 4 reads runs of escaped backslashes as one and can loop on `\}\\`: refused, not guessed.
      if (quoted === '\\') throw new Error('a literal backslash is not supported (match it with `?`)');
      out += `\\${quoted}`;
    } else if (c === '/') {
      out += '/';
      segmentStart = true;
    } else if (c === '*') {
      let run = 1;
      while (glob[k + run] === '*') run++;
      const next = glob[k + run];
      const endsSegment =
        next === '/' ||
        next === undefined ||
        (group !== undefined && (next === ',' || k + run === group.end));
      if (run === 2 && startsHere && endsSegment) {
        // picomatch expands `{**,a}b` into alternatives that no longer span segments as `**` did here.
        if (group !== undefined)
          throw new Error('`**` inside {…} is not supported: write the alternatives out');
        if (next === '/') {
          if (!out.endsWith('**/')) out += '**/';
          k += run;
          segmentStart = true;
          continue;
        }
        out += '**/*';
      } else {
        out += '*'; // elsewhere, any run of `*` is one `*` (as in .gitignore)
      }
      k += run - 1;
    } else if (
      c === '[' &&
      group !== undefined &&
      !/^[^,{}]*$/.test(glob.slice(k, classEnd(glob, k) + 1 || group.end))
    ) {
      // Here a group's commas split it before classes are read: `{[a-,b]}` has the alternatives `[a-` and `b]`.
      throw new Error('a `[` inside {…} that does not close a class free of `,{}` is not supported');
    } else if (c === '[' && classEnd(glob, k) !== -1) {
      const end = classEnd(glob, k);
      const body = glob.slice(k + 1, end);
      // picomatch matches `[x]` literally as well when the class holds a backslash or a quote, and reads
      // `[:alpha:]` as a POSIX class (a class of `[:alph` before this port): refused rather than changed.
      if (/[\\"]|\[:/.test(body))
        throw new Error(`[${body}]: a backslash, a quote or \`[:\` in a class is not supported`);
      out += `[${body}]`;
      k = end;
    } else if (
      c === '{' &&
      groupEnd(glob, k) !== -1 &&
      hasAlternatives(glob.slice(k + 1, groupEnd(glob, k)))
    ) {
      groups.push({ end: groupEnd(glob, k), segmentStart: startsHere });
      out += '{';
      segmentStart = startsHere;
    } else if (group !== undefined && c === ',') {
      out += ',';
      segmentStart = group.segmentStart;
    } else if (group !== undefined && k === group.end) {
      groups.pop();
      out += '}';
    } else if (group !== undefined && (c === '{' || c === '}')) {
      // picomatch still expands `\{1..2\}` inside a group as a range.
      throw new Error('a literal brace inside {…} is not supported');
    } else if (c === '?') {
      out += '?';
    } else {
      out += /[A-Za-z0-9_.@-]/.test(c) ? c : `\\${c}`;
    }
  }
  return out;
}

const cache = new Map<string, RegExp | Error>();

function compile(glob: string): RegExp | Error {
  let re = cache.get(glob);
  if (!re) {
    const rooted = glob.replace(/^(?:\.\/|\/)+/, ''); // a leading `./` or `/` means the repository root
    try {
      if (rooted === '') throw new Error('it names no path');
      re = picomatch.makeRe(translate(rooted), OPTIONS);
    } catch (e) {
      re = new Error(`invalid glob "${glob}": ${e instanceof Error ? e.message : String(e)}`);
    }
    cache.set(glob, re);
  }
  return re;
}

/** Why `glob` is not a valid glob (for example `[b-a]`, a range out of order), or undefined. */
export function globError(glob: string): string | undefined {
  const re = compile(glob);
  return re instanceof Error ? re.message : undefined;
}

/**
 * True when `glob` matches `subject` (a repository path without leading `./`, or a unit name). Throws on
 * an invalid glob: nothing is matched or left out on a pattern that means nothing.
 */
export function matchesGlob(glob: string, subject: string): boolean {
  const re = compile(glob);
  if (re instanceof Error) throw re;
  return re.test(subject.replace(/^(?:\.\/)+/, ''));
}
