/**
 * The field tier's schedule: repositories are installed one after another (one install lane),
 * and each repository's cases run as soon as its install is done, a few `loom run`s at a time.
 * Every case's result is a promise the tests await in their own order.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CASE_KINDS, prepareCase, type CaseKind, type PreparedCase } from './fieldCases';
import { prepareRepo, type FieldRepo } from './fieldRepo';
import { runLoom, type RunOutcome } from './fieldRun';
import type { TestsBy } from './fieldScenario';

export interface CaseResult {
  repo: FieldRepo;
  kind: CaseKind;
  /** Null: this repository has no separate run of the kind ("existingFile" when the fix itself is one). */
  prepared: PreparedCase | null;
  outcome: RunOutcome | null;
}

/** At most `limit` bodies at once, in the order they ask. */
function limiter(limit: number): <T>(body: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (body) => {
    if (active >= limit) await new Promise<void>((go) => waiting.push(go));
    active++;
    try {
      return await body();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

export class FieldMatrix {
  private readonly results = new Map<string, Promise<CaseResult>>();
  readonly repos = new Map<string, Promise<FieldRepo>>();
  /** Removals of what a case no longer needs, while other cases run (tens of thousands of hard links each). */
  private readonly removals: Promise<void>[] = [];

  constructor(
    private readonly fixtures: string,
    private readonly work: string,
    readonly options: { names: readonly string[]; concurrency: number; testsBy: TestsBy; keep: boolean },
  ) {}

  private remove(path: string): void {
    if (!this.options.keep) this.removals.push(rm(path, { recursive: true, force: true }));
  }

  /** Starts every install and run; safe to call once. */
  start(): void {
    const install = limiter(1);
    const run = limiter(this.options.concurrency);
    for (const name of this.options.names) {
      const repo = install(() => prepareRepo(join(this.fixtures, name), join(this.work, name)));
      this.repos.set(name, repo);
      for (const { kind } of CASE_KINDS) {
        const result = repo.then(async (r) => {
          if (r.installError) throw new Error(`${name}: ${r.installError}`);
          const prepared = prepareCase(r, kind, join(this.work, name, kind), this.options.testsBy);
          if (!prepared) return { repo: r, kind, prepared, outcome: null };
          const outcome = await run(() => runLoom(prepared, [...r.fieldCase.sourceFiles, ...prepared.testFiles]));
          this.remove(prepared.dir);
          return { repo: r, kind, prepared, outcome };
        });
        result.catch(() => undefined); // awaited by its test; never an unhandled rejection meanwhile
        this.results.set(`${name}/${kind}`, result);
      }
      // Every case clone has hard-linked the template's node_modules by now (prepareCase runs first in each).
      void repo.then((r) => this.remove(join(r.template, 'node_modules')), () => undefined);
    }
  }

  /** Every result settled and every removal done. */
  async finished(): Promise<void> {
    await Promise.allSettled(this.results.values());
    await Promise.allSettled(this.removals);
  }

  result(name: string, kind: CaseKind): Promise<CaseResult> {
    const r = this.results.get(`${name}/${kind}`);
    if (!r) throw new Error(`no case ${name}/${kind}: start() first`);
    return r;
  }

  /** Every result that finished, failures left out. */
  async settled(): Promise<CaseResult[]> {
    const all = await Promise.allSettled(this.results.values());
    return all.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }
}
