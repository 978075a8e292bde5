import type { CoverageRule } from '../../protocol/plan';
import type { Requirement, Spec } from '../../protocol/spec';
import { contentWords, QUOTE_SIMILARITY, quoteSimilarity, shareContentWord } from './criterionText';

/**
 * The coverage check of a proposed plan: the coordinator must say, per task, which acceptance
 * criteria of its requirements the task satisfies (quoted from the spec) and how its checks show
 * it. Citing requirement ids is not enough: a plan written for another spec quotes criteria this
 * spec does not have, and a criterion no task quotes is work nobody was given.
 *
 * Rejected, each with a message the repair round can act on:
 * - a requirement no task names, or one of its criteria that no task's coverage quotes;
 * - a task with no coverage, or none for a requirement it names;
 * - a coverage entry for a requirement the task does not name, or that is not in the spec;
 * - a quoted criterion that is not (nearly word for word) one of that requirement's criteria;
 * - a task whose title, instructions and file scope share no content word with a requirement it
 *   names (a supporting signal next to the quotes, never the only check).
 */

/** The parts of a task the coverage check reads; each may be missing when the schema failed. */
export interface CoverageTask {
  id?: string;
  title?: string;
  instructions?: string;
  requirementIds?: string[];
  fileScope?: string[];
  coverage?: { requirementId?: string; criterion?: string; shownBy?: string }[];
}

export function coverageErrors(tasks: readonly CoverageTask[], spec: Spec, rule: CoverageRule = 'required'): string[] {
  const errors: string[] = [];
  const checked = rule === 'required' || tasks.some((t) => (t.coverage ?? []).length > 0);
  const byId = new Map(spec.requirements.map((r) => [r.id, r]));
  const specList = spec.requirements.map((r) => r.id).join(', ') || 'no requirements';
  /** `R1` → indexes of its criteria some task quotes. */
  const quoted = new Map<string, Set<number>>();
  const named = new Set<string>();

  tasks.forEach((t, i) => {
    const name = t.id !== undefined ? `task "${t.id}"` : `tasks[${i}]`;
    const ids = (t.requirementIds ?? []).filter((r) => {
      if (byId.has(r)) return true;
      errors.push(`${name} names requirement ${r}, which is not in the spec (the spec has ${specList})`);
      return false;
    });
    ids.forEach((r) => named.add(r));
    if (!checked) return;
    const coverage = t.coverage ?? [];
    if (coverage.length === 0 && ids.length > 0) {
      errors.push(
        `${name} has no coverage: for each acceptance criterion it satisfies, add {"requirementId": "${ids[0]}", "criterion": "<the criterion, quoted from the spec>", ` +
          `"shownBy": "<the acceptance check that shows it>"} to its "coverage" (${ids.map((r) => criteriaList(byId.get(r) as Requirement)).join('; ')})`,
      );
    }
    const mentioned = new Set(coverage.map((c) => c.requirementId));
    coverage.forEach((c, j) => {
      const where = `${name} coverage[${j}]`;
      if (c.requirementId === undefined || c.criterion === undefined) return; // the schema error says so
      const req = byId.get(c.requirementId);
      if (!req) {
        errors.push(`${where} is for ${c.requirementId}, which is not in the spec (the spec has ${specList})`);
        return;
      }
      if (!ids.includes(req.id)) errors.push(`${where} is for ${req.id}, which is not in the task's requirementIds: add ${req.id} there or remove the entry`);
      const match = bestCriterion(c.criterion, req);
      if (match.score < QUOTE_SIMILARITY) {
        const elsewhere = spec.requirements.find((o) => o.id !== req.id && bestCriterion(c.criterion ?? '', o).score >= QUOTE_SIMILARITY);
        const hint = elsewhere ? ` (that is a criterion of ${elsewhere.id}, not of ${req.id})` : '';
        errors.push(`${where} quotes ${JSON.stringify(c.criterion)} as a criterion of ${req.id} (${req.title}), but the spec has no such criterion${hint}: ${criteriaList(req)}`);
        return;
      }
      let set = quoted.get(req.id);
      if (!set) quoted.set(req.id, (set = new Set()));
      set.add(match.index);
    });
    for (const r of ids) {
      const req = byId.get(r) as Requirement;
      if (coverage.length > 0 && !mentioned.has(r)) {
        errors.push(`${name} names ${r} but its coverage quotes none of ${r}'s criteria: add an entry for each criterion of ${r} it satisfies, or remove ${r} from its requirementIds (${criteriaList(req)})`);
      }
      if (!sharesWords(t, req)) {
        errors.push(
          `${name} names ${r} (${req.title}), but its title, instructions and fileScope share no word with ${r}'s text or criteria: ` +
            `say in its instructions what it does for ${r}, or name the requirement it really addresses`,
        );
      }
    }
  });

  for (const req of spec.requirements) {
    if (!named.has(req.id)) {
      errors.push(`requirement ${req.id} (${req.title}) is not covered by any task: add it to a task's requirementIds and quote its criteria in that task's coverage (${criteriaList(req)})`);
      continue;
    }
    if (!checked) continue;
    const got = quoted.get(req.id) ?? new Set<number>();
    criteriaOf(req).forEach((criterion, k) => {
      if (got.has(k)) return;
      errors.push(
        `acceptance criterion ${JSON.stringify(criterion)} of ${req.id} (${req.title}) is not covered by any task: add ` +
          `{"requirementId": "${req.id}", "criterion": ${JSON.stringify(criterion)}, "shownBy": "<the acceptance check that shows it>"} to the coverage of the task that satisfies it`,
      );
    });
  }
  return errors;
}

/** A requirement's criteria; one without any (never from parseSpec) is covered by quoting its title. */
function criteriaOf(req: Requirement): string[] {
  return req.acceptance.length > 0 ? req.acceptance : [req.title];
}

function criteriaList(req: Requirement): string {
  return `${req.id}'s criteria: ${criteriaOf(req).map((c) => JSON.stringify(c)).join('; ')}`;
}

function bestCriterion(quote: string, req: Requirement): { index: number; score: number } {
  let best = { index: -1, score: 0 };
  criteriaOf(req).forEach((c, index) => {
    const score = quoteSimilarity(quote, c);
    if (score > best.score) best = { index, score };
  });
  return best;
}

/** Whether the task's own words meet the requirement's; a requirement with no content words cannot be judged. */
function sharesWords(t: CoverageTask, req: Requirement): boolean {
  const reqWords = contentWords([req.title, req.text, ...req.acceptance].join(' '));
  if (reqWords.size === 0) return true;
  const taskWords = contentWords([t.title ?? '', t.instructions ?? '', ...(t.fileScope ?? [])].join(' '));
  return shareContentWord(taskWords, reqWords);
}
