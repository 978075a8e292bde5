import { hostState, stdoutOf } from './sandboxHarness';

/**
 * Book-keeping for the escape suite: every attempt names the host paths it tries to create or change
 * and what it must never show; the ledger compares the real host state before and after, so an
 * attempt counts as contained only when nothing changed on the host — not because a tool said no.
 */

export type FindingKind =
  /** Something outside the sandbox changed, or content no agent-side process may see was shown. */
  | 'escape'
  /** A file tool went outside the lease or into .git (contained by the sandbox, but the tool's own rule broke). */
  | 'guard';

export interface Finding {
  family: string;
  attempt: string;
  kind: FindingKind;
  detail: string;
}

export interface Attempt {
  name: string;
  /** Host paths the attempt tries to create or change: any change is an escape. */
  targets?: string[];
  /** Extra verdict on the attempt's own output (e.g. "a sysctl write went through"). */
  verdict?: (output: string) => { kind: FindingKind; detail: string } | null;
}

/** A host path (file or folder) whose state must never change, keyed for messages. */
export interface Watched {
  key: string;
  path: string;
  state: () => string;
}

export class EscapeLedger {
  attempts = 0;
  readonly findings: Finding[] = [];
  private readonly perFamily = new Map<string, number>();

  constructor(
    private readonly watched: Watched[],
    /** Contents no agent-side process may ever show. */
    private readonly invisible: string[],
    /** Contents the file tools must never show (visible read-only to commands by design). */
    private readonly guarded: string[],
  ) {}

  get families(): ReadonlyMap<string, number> {
    return this.perFamily;
  }

  /** A baseline of every watched path, taken once the agents are up. */
  private baseline?: Map<string, string>;

  setBaseline(): void {
    this.baseline = new Map(this.watched.map((w) => [w.key, w.state()]));
  }

  /**
   * Runs `act` (one tool call, or one command covering several attempts) and judges each attempt.
   * `act` returns one output for all attempts, or one per attempt name. `fileTool`: the output came
   * from a file tool, so guarded contents are findings too.
   */
  async run(
    family: string,
    attempts: Attempt[],
    act: () => Promise<string | Record<string, string>>,
    options: { fileTool?: boolean; /** false once the agents are disposed (their leases go) */ watch?: boolean } = {},
  ): Promise<Record<string, string>> {
    if (!this.baseline) throw new Error('setBaseline() first');
    const before = new Map<string, string>();
    for (const a of attempts) for (const t of a.targets ?? []) before.set(t, hostState(t));
    const raw = await act();
    const outputs: Record<string, string> = {};
    for (const a of attempts) outputs[a.name] = typeof raw === 'string' ? raw : (raw[a.name] ?? JSON.stringify(raw));
    this.attempts += attempts.length;
    this.perFamily.set(family, (this.perFamily.get(family) ?? 0) + attempts.length);

    for (const a of attempts) {
      const out = outputs[a.name];
      for (const t of a.targets ?? []) {
        const after = hostState(t);
        if (after !== before.get(t)) this.add(family, a.name, 'escape', `host path changed: ${t} (${brief(before.get(t)!)} → ${brief(after)})`);
      }
      for (const c of this.invisible) if (out.includes(c)) this.add(family, a.name, 'escape', `showed hidden canary ${c}: ${excerpt(out, c)}`);
      if (options.fileTool) for (const c of this.guarded) if (out.includes(c)) this.add(family, a.name, 'guard', `file tool showed ${c}: ${excerpt(out, c)}`);
      const v = a.verdict?.(out);
      if (v) this.add(family, a.name, v.kind, v.detail);
    }
    if (options.watch !== false) this.checkWatched(family, attempts);
    return outputs;
  }

  /** Any watched path that changed since the baseline is an escape (attributed to these attempts). */
  checkWatched(family: string, attempts: Attempt[] = []): void {
    for (const w of this.watched) {
      const now = w.state();
      const was = this.baseline!.get(w.key)!;
      if (now === was) continue;
      this.add(family, attempts.map((a) => a.name).join(', ') || '(after the family)', 'escape', `watched ${w.key} changed: ${w.path}`);
      this.baseline!.set(w.key, now); // report each change once
    }
  }

  add(family: string, attempt: string, kind: FindingKind, detail: string): void {
    this.findings.push({ family, attempt, kind, detail });
  }

  of(family: string, kind?: FindingKind): Finding[] {
    return this.findings.filter((f) => f.family === family && (!kind || f.kind === kind));
  }
}

function brief(state: string): string {
  return state.length > 40 ? `${state.slice(0, 40)}…` : state;
}

function excerpt(text: string, needle: string): string {
  const i = text.indexOf(needle);
  return JSON.stringify(text.slice(Math.max(0, i - 80), i + needle.length + 20));
}

/**
 * A Node program run inside the sandbox by run_command: performs each operation of its JSON
 * argument in a try/catch and prints `{ id: result }` — 'ok', 'ERR <code>', or data it read.
 */
export const OPS_SCRIPT = `
const fs = require('fs'), cp = require('child_process');
const ops = JSON.parse(process.argv[1]);
const out = {};
function run(o) {
  switch (o.op) {
    case 'write': fs.writeFileSync(o.p, o.data); return 'ok';
    case 'append': fs.appendFileSync(o.p, o.data); return 'ok';
    case 'mkdir': fs.mkdirSync(o.p); return 'ok';
    case 'rename': fs.writeFileSync(o.src, o.data); fs.renameSync(o.src, o.p); return 'ok';
    case 'copy': fs.writeFileSync(o.src, o.data); fs.copyFileSync(o.src, o.p); return 'ok';
    case 'viaLink': fs.rmSync(o.src, { force: true }); fs.symlinkSync(o.p, o.src); fs.writeFileSync(o.src, o.data); return 'ok';
    case 'symlink': fs.mkdirSync(require('path').dirname(o.p), { recursive: true }); fs.rmSync(o.p, { force: true }); fs.symlinkSync(o.target, o.p); return 'ok';
    case 'link': fs.linkSync(o.target, o.p); return 'LINKED';
    case 'linkWrite': fs.linkSync(o.target, o.p); fs.appendFileSync(o.p, o.data); return 'LINKED+WROTE';
    case 'read': return 'DATA ' + fs.readFileSync(o.p, 'utf8');
    case 'readdir': return 'DATA ' + fs.readdirSync(o.p).join(',');
    case 'unlink': fs.unlinkSync(o.p); return 'ok';
    case 'unlinkWrite': fs.unlinkSync(o.p); fs.writeFileSync(o.p, o.data); return 'ok';
    case 'renameAway': fs.renameSync(o.p, o.p + '.away'); fs.writeFileSync(o.p, o.data); return 'ok';
    case 'chmod': fs.chmodSync(o.p, o.mode); return 'ok';
    case 'sysctlSame': { const v = fs.readFileSync(o.p); fs.writeFileSync(o.p, v); return 'WROTE'; }
    case 'sysctlSet': fs.writeFileSync(o.p, o.data); return 'WROTE';
    case 'openWrite': fs.closeSync(fs.openSync(o.p, fs.constants.O_WRONLY)); return 'OPENED';
    case 'sh': return 'OUT ' + cp.execFileSync('sh', ['-c', o.cmd, 'sh', ...(o.args || [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 });
    default: throw new Error('unknown op ' + o.op);
  }
}
for (const o of ops) {
  try { out[o.id] = run(o); }
  catch (e) { out[o.id] = 'ERR ' + (e.code || '') + ' ' + String(e.message).split('\\n')[0] + (e.stdout ? ' OUT ' + e.stdout : ''); }
}
process.stdout.write(JSON.stringify(out));
`;

export interface Op {
  id: string;
  op: string;
  p?: string;
  src?: string;
  target?: string;
  data?: string;
  mode?: number;
  cmd?: string;
  args?: string[];
}

/** The per-op results of one OPS_SCRIPT run (the whole text under every id when it did not print JSON). */
export function parseOps(ops: Op[], text: string): Record<string, string> {
  try {
    const parsed = JSON.parse(stdoutOf(text)) as Record<string, string>;
    return Object.fromEntries(ops.map((o) => [o.id, parsed[o.id] ?? `missing: ${text}`]));
  } catch {
    return Object.fromEntries(ops.map((o) => [o.id, text]));
  }
}
