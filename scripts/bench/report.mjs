// The bench's output: number formats, the table of rows and notes per section, the machine line and
// the JSON written with --json-out. Progress goes to stderr (log), the report to stdout.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, loadavg, release, totalmem } from 'node:os';

export const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
export const fmtRate = (n) => (n >= 100 ? fmtInt(n) : n >= 10 ? n.toFixed(1) : n.toPrecision(2));
export const fmtSec = (ms) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`);
export const fmtMiB = (kib) => `${(kib / 1024).toFixed(1)} MiB`;
export const fmtRatio = (r) =>
  r >= 10 ? `${r.toFixed(0)}×` : r >= 0.1 ? `${r.toFixed(2)}×` : `${r.toPrecision(2)}×`;

export function log(line) {
  process.stderr.write(`· ${line}\n`);
}

/** A table: the first two columns left-aligned, the others right-aligned. */
function table(head, cells) {
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) =>
    c
      .map((x, i) => (i < 2 ? x.padEnd(width[i]) : x.padStart(width[i])))
      .join('  ')
      .trimEnd();
  console.log(line(head));
  console.log(width.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

export class Report {
  constructor() {
    this.rows = [];
    this.notes = [];
    this.section = '';
  }
  /** One table line; `ok` true/false gives OK/MISSED, undefined leaves the status empty (information). */
  /** `floor` names the floor (floors.mjs) the row measures: it is repeated in the floors table. */
  row(metric, value, { goal = '', ratio = '', ok, data, floor } = {}) {
    this.rows.push({
      section: this.section,
      metric,
      value,
      goal,
      ratio,
      status: ok === undefined ? '' : ok ? 'OK' : 'MISSED',
      data,
      floor,
    });
  }
  note(text) {
    this.notes.push({ section: this.section, text });
  }
  print(sections) {
    for (const section of sections) {
      const rows = this.rows.filter((r) => r.section === section);
      const notes = this.notes.filter((n) => n.section === section);
      if (rows.length === 0 && notes.length === 0) continue;
      console.log(`\n== ${section} ==`);
      if (rows.length > 0)
        table(
          ['metric', 'value', 'goal', 'ratio', 'status'],
          rows.map((r) => [r.metric, r.value, r.goal, r.ratio, r.status]),
        );
      for (const n of notes) console.log(`  ${n.text.replaceAll('\n', '\n  ')}`);
    }
  }
  /** The rows that measure a floor, floor by floor; a floor no row measured says why. */
  floorRows(floors, sections) {
    const cells = [];
    for (const f of floors) {
      const rows = this.rows.filter((r) => r.floor === f.id);
      if (rows.length === 0)
        cells.push([
          f.about,
          sections.includes(f.section) ? 'NOT MEASURED' : `section ${f.section} not run`,
          '',
          '',
          '',
        ]);
      for (const r of rows) cells.push([r.metric.trim(), r.value, r.goal, r.ratio, r.status]);
    }
    return cells;
  }
  printFloors(floors, sections) {
    console.log('\n== floors (figures of this run) ==');
    table(['metric', 'value', 'goal', 'ratio', 'status'], this.floorRows(floors, sections));
  }
}

export function machineInfo() {
  const cpu = cpus();
  let model = cpu[0]?.model?.trim() || 'unknown';
  if (model === 'unknown' || model.length < 4) {
    try {
      model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
    } catch {
      // not Linux
    }
  }
  let available = cpu.length;
  try {
    available = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || available;
  } catch {
    // no nproc
  }
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: model,
    cores: cpu.length,
    coresAvailable: available,
    memoryGiB: totalmem() / 2 ** 30,
    kernel: `${process.platform} ${release()} ${arch()}`,
    loadavg: loadavg(),
  };
}
