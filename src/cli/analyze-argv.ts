// systemd-analyze's command line split into options the way the release's binary splits it: glibc's
// getopt_long() up to v261, systemd's own option_parse() (src/shared/options.c) in v262. Both permute
// (options may follow the unit names), stop at `--`, take unambiguous abbreviations of long options and
// clusters of short ones (`-qH host`); they differ in their error texts. Options come one at a time, so
// the caller checks each value in argument order and stops at the first error, as parse_argv() does.
import type { AnalyzeOption, VersionTraits } from '../core/security/versions';

/** The program name getopt_long() and option_parse() put before their errors (program_invocation_short_name). */
const PROGRAM = 'systemd-analyze';

export type ArgvItem =
  | { kind: 'option'; option: AnalyzeOption; value: string | undefined }
  | { kind: 'error'; message: string }
  | { kind: 'end'; positional: string[] };

export class AnalyzeArgv {
  private index = 0;
  /** The rest of a short-option cluster being read (`-qH` after `q`: `H`). */
  private cluster = '';
  private readonly positional: string[] = [];
  private stopped = false;

  /**
   * @param extra options of unitgate's own, matched exactly before the release's table (never by an
   *   abbreviation, so that they cannot make one of systemd's abbreviations ambiguous)
   * @param posixlyCorrect glibc stops at the first non-option when $POSIXLY_CORRECT is set (v262's
   *   parser ignores it)
   */
  constructor(
    private readonly argv: readonly string[],
    private readonly traits: Pick<VersionTraits, 'analyzeOptions' | 'optionParser'>,
    private readonly extra: readonly AnalyzeOption[] = [],
    private readonly posixlyCorrect = false,
  ) {}

  next(): ArgvItem {
    if (this.cluster !== '') return this.shortOption();
    for (;;) {
      const arg = this.argv[this.index];
      if (arg === undefined) return { kind: 'end', positional: this.positional };
      if (this.stopped) {
        this.positional.push(arg);
        this.index++;
        continue;
      }
      if (arg === '--') {
        this.stopped = true;
        this.index++;
        continue;
      }
      if (arg.startsWith('-') && arg !== '-') break;
      this.positional.push(arg);
      this.index++;
      if (this.posixlyCorrect && this.traits.optionParser === 'getopt_long') this.stopped = true;
    }
    const arg = this.argv[this.index] as string;
    this.index++;
    if (arg.startsWith('--')) return this.longOption(arg);
    this.cluster = arg.slice(1);
    return this.shortOption();
  }

  /** The argument after the current one, as a required value (`--root DIR`), if there is one. */
  private takeNext(): string | undefined {
    const value = this.argv[this.index];
    if (value !== undefined) this.index++;
    return value;
  }

  private longOption(arg: string): ArgvItem {
    const glibc = this.traits.optionParser === 'getopt_long';
    const text = arg.slice(2);
    const eq = text.indexOf('=');
    const name = eq < 0 ? text : text.slice(0, eq);
    const joined = eq < 0 ? undefined : text.slice(eq + 1);
    // getopt_long() names the option as typed, `=value` included; option_parse() without the value.
    const typed = glibc ? arg : arg.slice(0, eq < 0 ? arg.length : eq + 2);
    let option = this.extra.find((o) => o.long === name);
    if (option === undefined) {
      const table = this.traits.analyzeOptions;
      option = table.find((o) => o.long === name);
      if (option === undefined) {
        // v262.1 refuses an empty name (`--=x`) as unrecognized; glibc finds every option a match.
        const partial = glibc || name !== '' ? table.filter((o) => o.long.startsWith(name)) : [];
        if (partial.length === 0) return this.error(`unrecognized option '${typed}'`);
        if (partial.length > 1) {
          const possibilities = glibc
            ? partial.map((o) => `'--${o.long}'`).join(' ')
            : partial.map((o) => `--${o.long}`).join(', ');
          return this.error(`option '${typed}' is ambiguous; possibilities: ${possibilities}`);
        }
        option = partial[0] as AnalyzeOption;
      }
    }
    // The option's own name in glibc's texts; the name as typed (`--he`) in v262's.
    const shown = glibc ? `--${option.long}` : `--${name}`;
    if (joined !== undefined) {
      if (option.argument === 'none') return this.error(`option '${shown}' doesn't allow an argument`);
      return { kind: 'option', option, value: joined };
    }
    if (option.argument !== 'required') return { kind: 'option', option, value: undefined };
    const value = this.takeNext();
    if (value === undefined) return this.error(`option '${shown}' requires an argument`);
    return { kind: 'option', option, value };
  }

  private shortOption(): ArgvItem {
    const glibc = this.traits.optionParser === 'getopt_long';
    const letter = this.cluster[0] as string;
    const rest = this.cluster.slice(1);
    this.cluster = rest;
    const option = this.traits.analyzeOptions.find((o) => o.short === letter);
    if (option === undefined) {
      this.cluster = '';
      return this.error(glibc ? `invalid option -- '${letter}'` : `unrecognized option '-${letter}'`);
    }
    if (option.argument === 'none') return { kind: 'option', option, value: undefined };
    // An option taking a value takes the rest of the cluster (`-Hhost`), else the next argument.
    this.cluster = '';
    if (rest !== '') return { kind: 'option', option, value: rest };
    if (option.argument === 'optional') return { kind: 'option', option, value: undefined };
    const value = this.takeNext();
    if (value === undefined)
      return this.error(
        glibc ? `option requires an argument -- '${letter}'` : `option '-${letter}' requires an argument`,
      );
    return { kind: 'option', option, value };
  }

  private error(message: string): ArgvItem {
    return { kind: 'error', message: `${PROGRAM}: ${message}` };
  }
}
