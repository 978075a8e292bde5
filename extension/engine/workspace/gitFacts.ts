/**
 * What git answered about full commit ids, which cannot change (an id names its content and its
 * history): a task's commits are asked about many times a run (the conflict check, the verifier's
 * checks, the merge), and each git command costs a process. Remembered per thread.
 *
 * - Only questions about full ids are remembered; names (HEAD, branches) are always asked.
 * - Askers of a question in flight share its answer (eight tasks starting at once ask about one base).
 * - A failure is not remembered: a commit missing now may be fetched later.
 * - Answers are shared: callers must not change them (the facts below hand out copies of lists).
 */
const FULL_COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** About what the answers may hold before they are forgotten (about 5M characters): a list counts its entries, a text one per 100 characters. */
const MAX_WEIGHT = 50_000;

const answers = new Map<string, Promise<unknown>>();
let weight = 0;

export function isFullCommitId(rev: string): boolean {
  return FULL_COMMIT_ID.test(rev);
}

/** `ask()`'s answer, remembered under `key` (which names the repository) when every one of `ids` is a full commit id. */
export function rememberedFact<T>(key: string, ids: readonly string[], ask: () => Promise<T>): Promise<T> {
  if (!ids.every(isFullCommitId)) return ask();
  const known = answers.get(key);
  if (known) return known as Promise<T>;
  const answer = ask();
  if (weight >= MAX_WEIGHT) forgetAll();
  answers.set(key, answer);
  answer.then(
    (value) => {
      if (answers.get(key) === answer) weight += weightOf(value);
    },
    () => {
      if (answers.get(key) === answer) answers.delete(key);
    },
  );
  return answer;
}

function weightOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + value.length;
  if (typeof value === 'string') return 1 + Math.floor(value.length / 100);
  return 1;
}

function forgetAll(): void {
  answers.clear();
  weight = 0;
}
