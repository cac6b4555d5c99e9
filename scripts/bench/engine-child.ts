// The engine section's child process: reads a unit set into a memoryTree, then times each stage of the
// scoring engine in process (load, parse, derive, assess, render, and the pipeline they make).
// engine.mjs bundles it with src/ by esbuild, so the engine is measured as the CLI bundle runs it; it
// is type-checked and linted with the project. Input: the path of a JSON config (EngineConfig); output:
// one JSON line (EngineResult) on stdout.
import { lstatSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { assessUnit, type Assessment } from '../../src/core/security/assess';
import { encodeJsonShort } from '../../src/core/security/render-security';
import { deriveSecuritySettings, type SecuritySettings } from '../../src/core/security/settings';
import { systemdRelease, type SystemdVersion } from '../../src/core/security/versions';
import { UNIT_SECTIONS, UnitLoader, type LoadedUnit } from '../../src/core/unit/load-unit';
import { parseUnitFile } from '../../src/core/unit/parse-unit-file';
import { isTemplateName, replaceInstance } from '../../src/core/unit/unit-name';
import { memoryTree } from '../../src/core/unit/unit-tree';

/** What engine.mjs asks for (written as JSON to the file named by the first argument). */
interface EngineConfig {
  /** The scratch root holding the units, and their directory in it (the arguments' directory). */
  root: string;
  dir: string;
  units: string[];
  version: SystemdVersion;
  /** Stage names, in order; unknown names are skipped. */
  stages: string[];
  /** Per stage: warm-up passes for at least warmupMs, then measured passes for at least minMs. */
  minMs: number;
  warmupMs: number;
  /** When set, a V8 CPU profile of the measured passes is written there. */
  profileFile?: string;
}

interface StageResult {
  units: number;
  passes: number;
  ms: number;
  unitsPerSecond: number;
}

interface Stage {
  units: () => number;
  /** Needs every unit's intermediate results (prepare()) before its passes. */
  prepared?: boolean;
  pass: () => void;
}

const cfg = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as EngineConfig;
const release = systemdRelease(cfg.version);

// What the CLI does with --json=short: each unit's array encoded as UTF-8 into its output batch.
const batch = new Uint8Array(1 << 20);
const encode = (a: Assessment): number => {
  const end = encodeJsonShort(a, batch, 0);
  if (end < 0) throw new Error('output batch too small');
  return end;
};

const files: Record<string, string | { symlink: string }> = {};
const walk = (real: string, tree: string): void => {
  for (const name of readdirSync(real)) {
    const r = `${real}/${name}`;
    const t = `${tree}/${name}`;
    const st = lstatSync(r);
    if (st.isDirectory()) walk(r, t);
    else if (st.isSymbolicLink()) files[t] = { symlink: readlinkSync(r) };
    else if (st.isFile()) files[t] = readFileSync(r, 'utf8');
  }
};
walk(cfg.root, '');
let t = performance.now();
const tree = memoryTree(files);
const treeMs = performance.now() - t;
// As the CLI does with --root: the arguments' directory first, then systemd's search path.
const searchPath = [cfg.dir, ...release.traits.searchPath.filter((d: string) => d !== cfg.dir)];
const names: string[] = cfg.units.map((u) =>
  isTemplateName(u) ? replaceInstance(u, release.traits.templateInstance) : u,
);
let sink = 0;

// The inputs of the single-stage passes: every unit's intermediate results, kept. Made only once the
// end-to-end stages are measured: a heap holding all of them makes V8 pretenure the engine's
// allocation sites (its objects then go straight to the old generation), which slows the end-to-end
// passes by a third — a cost of this harness, not of a CLI run, which keeps nothing between units.
const loaded: LoadedUnit[] = [];
const texts: { text: string; file: string }[][] = [];
const settings: SecuritySettings[] = [];
const assessments: Assessment[] = [];
let failures = 0;
let prepared = false;
const prepare = (): void => {
  if (prepared) return;
  prepared = true;
  const firstLoader = new UnitLoader(tree, searchPath);
  for (const name of names) {
    const o = firstLoader.load(name);
    if (!o.ok) {
      failures++;
      continue;
    }
    loaded.push(o.unit);
    texts.push(
      o.unit.files.map((f) => ({
        file: f.file,
        text: (tree.readFile(f.file) as { text: string }).text ?? '',
      })),
    );
    const d = deriveSecuritySettings(o.unit, release);
    if (!d.settings) {
      failures++;
      continue;
    }
    settings.push(d.settings);
    assessments.push(assessUnit(d.settings, release));
  }
};

const stages: Record<string, Stage> = {
  // Each pass uses a fresh UnitLoader (one CLI run has one), so its caches start empty every pass.
  // The two pipelines are written out rather than sharing a loop with a callback: a call per unit
  // through one polymorphic site would be part of what they measure.
  pipeline: {
    units: () => names.length,
    pass: () => {
      const loader = new UnitLoader(tree, searchPath);
      for (const name of names) {
        const o = loader.load(name);
        if (!o.ok) continue;
        const d = deriveSecuritySettings(o.unit, release);
        if (d.settings) sink += assessUnit(d.settings, release).exposure;
      }
    },
  },
  'pipeline+render': {
    units: () => names.length,
    pass: () => {
      const loader = new UnitLoader(tree, searchPath);
      for (const name of names) {
        const o = loader.load(name);
        if (!o.ok) continue;
        const d = deriveSecuritySettings(o.unit, release);
        if (d.settings) sink += encode(assessUnit(d.settings, release));
      }
    },
  },
  load: {
    units: () => names.length,
    pass: () => {
      const loader = new UnitLoader(tree, searchPath);
      for (const name of names) sink += loader.load(name).ok ? 1 : 0;
    },
  },
  parse: {
    units: () => texts.length,
    prepared: true,
    pass: () => {
      for (const unit of texts)
        for (const f of unit) sink += parseUnitFile(f.text, f.file, UNIT_SECTIONS.service).assignments.length;
    },
  },
  derive: {
    units: () => loaded.length,
    prepared: true,
    pass: () => {
      for (const u of loaded) sink += deriveSecuritySettings(u, release).diagnostics.length;
    },
  },
  assess: {
    units: () => settings.length,
    prepared: true,
    pass: () => {
      for (const s of settings) sink += assessUnit(s, release).exposure;
    },
  },
  render: {
    units: () => assessments.length,
    prepared: true,
    pass: () => {
      for (const a of assessments) sink += encode(a);
    },
  },
};

const results: Record<string, StageResult> = {};
for (const name of cfg.stages) {
  const stage = stages[name];
  if (!stage) continue;
  if (stage.prepared) prepare();
  t = performance.now();
  let passes = 0;
  do {
    stage.pass();
    passes++;
  } while (performance.now() - t < cfg.warmupMs);
  // Profile only the measured passes (the inspector's Profiler is what node --cpu-prof uses).
  let session: Session | undefined;
  if (cfg.profileFile) {
    session = new Session();
    session.connect();
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: 250 });
    session.post('Profiler.start');
  }
  passes = 0;
  t = performance.now();
  let elapsed: number;
  do {
    stage.pass();
    passes++;
    elapsed = performance.now() - t;
  } while (elapsed < cfg.minMs);
  if (session) {
    const profileFile = cfg.profileFile as string;
    session.post('Profiler.stop', (err, r) => {
      if (!err) writeFileSync(profileFile, JSON.stringify(r.profile));
    });
    session.disconnect();
  }
  results[name] = {
    units: stage.units(),
    passes,
    ms: elapsed,
    unitsPerSecond: (stage.units() * passes) / (elapsed / 1000),
  };
}
prepare(); // for the counts below
process.stdout.write(
  JSON.stringify({
    units: names.length,
    loaded: loaded.length,
    scored: settings.length,
    failures,
    treeMs,
    results,
    maxRssKiB: process.resourceUsage().maxRSS,
    sink,
  }) + '\n',
);
