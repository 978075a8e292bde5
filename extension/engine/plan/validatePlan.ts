import picomatch from 'picomatch';
import type { z } from 'zod';
import { PlanSchema, type CoverageRule, type Plan } from '../../protocol/plan';
import type { Spec } from '../../protocol/spec';
import { coverageErrors, type CoverageTask } from './planCoverage';
import { unrunnableCommandErrors, type RunnableContext } from './runnableChecks';

/**
 * Validates a plan as the coordinator model proposed it: the zod schema first, then the
 * semantic rules the schema cannot express, the coverage check among them (planCoverage.ts:
 * every task says which acceptance criteria it satisfies, which the schema leaves optional only
 * so that old journals still fold). Every message names the task and says what to fix,
 * because the messages go back to the model verbatim in the repair round.
 *
 * When the schema fails, the semantic checks still run on whatever parts have the right shape,
 * so one repair round sees every problem at once.
 */
export type ValidatePlanResult = { ok: true; plan: Plan } | { ok: false; errors: string[] };

export function validatePlan(raw: unknown, spec: Spec, runnable?: RunnableContext, coverage: CoverageRule = 'required'): ValidatePlanResult {
  const parsed = PlanSchema.safeParse(raw);
  const errors: string[] = [];
  let tasks: LooseTask[];
  if (parsed.success) {
    tasks = parsed.data.tasks;
  } else {
    errors.push(...parsed.error.issues.map((issue) => formatIssue(issue, raw)));
    // Not even `{ tasks: [...] }`: the semantic checks would only add noise.
    if (!isRecord(raw) || !Array.isArray(raw.tasks)) return { ok: false, errors: dedupe(errors) };
    tasks = salvageTasks(raw.tasks);
  }
  errors.push(...semanticErrors(tasks, spec, coverage));
  if (runnable) errors.push(...unrunnableCommandErrors(tasks, runnable));
  if (errors.length > 0 || !parsed.success) return { ok: false, errors: dedupe(errors) };
  return { ok: true, plan: parsed.data };
}

/**
 * Task ids in dependency order. Among the tasks that are ready at each step, the one earliest in
 * the plan comes first, so the order is stable for a given plan. Throws on an unknown dependency
 * or a cycle (a validated plan has neither).
 */
export function topologicalOrder(plan: Plan): string[] {
  const ids = new Set(plan.tasks.map((t) => t.id));
  for (const t of plan.tasks) {
    for (const d of t.dependsOn) {
      if (!ids.has(d)) throw new Error(`task "${t.id}" depends on unknown task "${d}"`);
    }
  }
  const done = new Set<string>();
  const order: string[] = [];
  const pending = [...plan.tasks];
  while (pending.length > 0) {
    const i = pending.findIndex((t) => t.dependsOn.every((d) => done.has(d)));
    if (i < 0) {
      const cycle = findCycles(pending.map((t) => ({ id: t.id, dependsOn: t.dependsOn })))[0];
      throw new Error(`dependency cycle: ${cycle ? cycle.join(' -> ') : pending.map((t) => t.id).join(', ')}`);
    }
    const [t] = pending.splice(i, 1);
    done.add(t.id);
    order.push(t.id);
  }
  return order;
}

/** The parts of a task the semantic checks read; each may be missing when the schema failed. */
interface LooseTask extends CoverageTask {
  dependsOn?: string[];
  acceptance?: { kind: string; command?: unknown; testFiles?: string[] }[];
}

function semanticErrors(tasks: readonly LooseTask[], spec: Spec, coverage: CoverageRule): string[] {
  const errors: string[] = [];
  const name = (t: LooseTask, i: number): string => (t.id !== undefined ? `task "${t.id}"` : `tasks[${i}]`);

  // Unique ids.
  const firstIndex = new Map<string, number>();
  tasks.forEach((t, i) => {
    if (t.id === undefined) return;
    const first = firstIndex.get(t.id);
    if (first === undefined) firstIndex.set(t.id, i);
    else errors.push(`duplicate task id "${t.id}" (tasks[${first}] and tasks[${i}]): task ids must be unique`);
  });

  // Dependencies name existing tasks.
  const known = [...firstIndex.keys()];
  tasks.forEach((t, i) => {
    for (const d of t.dependsOn ?? []) {
      if (d === t.id) errors.push(`${name(t, i)} depends on itself: remove "${d}" from its dependsOn`);
      else if (!firstIndex.has(d)) {
        errors.push(`${name(t, i)} depends on unknown task "${d}" (known tasks: ${known.map((k) => `"${k}"`).join(', ') || 'none'})`);
      }
    }
  });

  // No cycles (self-dependencies are reported above).
  const graph = tasks
    .filter((t): t is LooseTask & { id: string } => t.id !== undefined)
    .map((t) => ({ id: t.id, dependsOn: (t.dependsOn ?? []).filter((d) => d !== t.id && firstIndex.has(d)) }));
  for (const cycle of findCycles(graph)) {
    errors.push(`dependency cycle: ${cycle.join(' -> ')} (each task depends on the next); remove one of these dependencies`);
  }

  // Requirements exist, and the coverage the coordinator answered holds against the spec.
  errors.push(...coverageErrors(tasks, spec, coverage));

  // File scopes are repo-relative globs that compile.
  tasks.forEach((t, i) => {
    for (const g of t.fileScope ?? []) {
      const problem = globProblem(g);
      if (problem) errors.push(`${name(t, i)} fileScope "${g}": ${problem}`);
    }
    (t.acceptance ?? []).forEach((check, j) => {
      for (const f of check.testFiles ?? []) {
        const problem = pathProblem(f);
        if (problem) errors.push(`${name(t, i)} acceptance[${j}] testFiles "${f}": ${problem}`);
      }
    });
  });

  return errors;
}

/** Why a file-scope glob is unusable, or undefined when it is fine. */
export function globProblem(glob: string): string | undefined {
  const p = pathProblem(glob);
  if (p) return p;
  if (glob.startsWith('!')) return 'negated globs are not allowed in a file scope; list the files the task may change';
  try {
    picomatch(glob, { dot: true });
    picomatch.makeRe(glob, { dot: true });
  } catch (e) {
    return `not a valid glob: ${e instanceof Error ? e.message : String(e)}`;
  }
  return undefined;
}

function pathProblem(path: string): string | undefined {
  if (path.trim() === '') return 'must not be empty';
  if (path.includes('\\')) return 'use forward slashes (paths are repo-relative POSIX paths)';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'must be relative to the repository root, not absolute';
  if (path.split('/').includes('..')) return 'must stay inside the repository (no `..` segments)';
  return undefined;
}

/**
 * Elementary cycles found by a depth-first search over `task -> dependency` edges, in plan
 * order, each reported once as a closed path (`a -> b -> a`).
 */
function findCycles(graph: readonly { id: string; dependsOn: readonly string[] }[]): string[][] {
  const edges = new Map<string, readonly string[]>();
  for (const n of graph) if (!edges.has(n.id)) edges.set(n.id, n.dependsOn);
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();

  const visit = (id: string): void => {
    state.set(id, 'active');
    stack.push(id);
    for (const d of edges.get(id) ?? []) {
      const s = state.get(d);
      if (s === 'active') {
        const cycle = [...stack.slice(stack.indexOf(d)), d];
        const key = [...new Set(cycle)].sort().join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (s === undefined && edges.has(d)) {
        visit(d);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const n of graph) if (!state.has(n.id)) visit(n.id);
  return cycles;
}

/** Best-effort extraction of the fields the semantic checks need from an unvalidated plan. */
function salvageTasks(rawTasks: readonly unknown[]): LooseTask[] {
  return rawTasks.map((t): LooseTask => {
    if (!isRecord(t)) return {};
    const acceptance = Array.isArray(t.acceptance)
      ? t.acceptance.filter(isRecord).map((c) => ({ kind: String(c.kind), testFiles: stringArray(c.testFiles) }))
      : undefined;
    const coverage = Array.isArray(t.coverage)
      ? t.coverage.filter(isRecord).map((c) => ({ requirementId: stringOf(c.requirementId), criterion: stringOf(c.criterion), shownBy: stringOf(c.shownBy) }))
      : undefined;
    return {
      id: stringOf(t.id),
      title: stringOf(t.title),
      instructions: stringOf(t.instructions),
      requirementIds: stringArray(t.requirementIds),
      coverage,
      fileScope: stringArray(t.fileScope),
      dependsOn: stringArray(t.dependsOn),
      acceptance,
    };
  });
}

function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function stringArray(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `tasks[2] (id "x").fileScope[0]: message`: where in the JSON, then what is wrong. */
function formatIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  let where = '';
  let node: unknown = raw;
  for (const key of issue.path) {
    if (typeof key === 'number') where += `[${key}]`;
    else where += where === '' ? String(key) : `.${String(key)}`;
    node = isRecord(node) || Array.isArray(node) ? (node as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
    if (issue.path[0] === 'tasks' && typeof key === 'number' && where === `tasks[${key}]` && isRecord(node) && typeof node.id === 'string') {
      where += ` (id "${node.id}")`;
    }
  }
  let message = issue.message;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator === 'kind') {
    message = `unknown check kind: use "failToPass", "passToPass" or "lint"`;
  }
  return where === '' ? `plan: ${message}` : `${where}: ${message}`;
}

function dedupe(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
