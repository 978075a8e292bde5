import type { ChatMessage } from '../../protocol/chat';
import type { Spec } from '../../protocol/spec';

/**
 * The coordinator's planning prompt: a system message that fixes the answer format (one JSON
 * object matching PlanSchema in extension/protocol/plan.ts) and a user message with the spec and
 * the repository's file listing. Keep the field descriptions here in step with PlanSchema.
 */

/** At most this many repo paths go into the prompt; the rest are counted. */
export const MAX_LISTED_FILES = 1500;

export const PLAN_SYSTEM_PROMPT = `You are the coordinator of a team of AI coding agents working on one git repository.
Turn the specification you are given into a plan: a set of tasks, ordered by dependencies, that
implementor agents will carry out in parallel. Each implementor works alone in its own git
worktree; it sees its task, the spec and the repository, never the other tasks' work in progress.
A separate verifier runs each task's acceptance checks on the task's branch.

Answer with ONLY a JSON object, no prose before or after it and no Markdown fence. Its shape:

{
  "tasks": [                       // at least one task
    {
      "id": string,                // lowercase letters, digits and dashes, starting with a letter or digit,
                                   // at most 40 characters, unique in the plan (it becomes a branch name)
      "title": string,             // a short imperative title
      "instructions": string,      // everything the implementor needs: what to build, where, and how it will be checked
      "requirementIds": string[],  // ids of the spec requirements this task implements, e.g. ["R1"]; at least one
      "fileScope": string[],       // picomatch globs, relative to the repository root, of the files the implementor may
                                   // create or change, e.g. ["src/slugify.js"]; at least one (the acceptance tests are
                                   // the test author's, not the implementor's)
      "dependsOn": string[],       // ids of tasks that must finish first (optional, default []); no cycles
      "acceptance": [              // checks the verifier runs before any judgment (optional, default [])
        { "kind": "failToPass", "command": string[], "testFiles": string[], "testsBy": "testAuthor" | "spec" },
                                   // a test command that FAILS on the current code and PASSES once the task is done;
                                   // testFiles lists the test files it runs. testsBy "testAuthor" (the default): a
                                   // test-author agent writes or extends those files BEFORE the implementor starts;
                                   // "spec": they already exist in the repository. Either way they are frozen:
                                   // the implementor cannot change them
        { "kind": "passToPass", "command": string[] },
                                   // a command that passes now and must still pass afterwards (regression tests)
        { "kind": "lint", "command": string[] }
                                   // a linter or type checker that must report no problems
      ],
      "budgetTokens": number,      // optional positive integer token budget for this task
      "coverage": [                // REQUIRED: for every requirement id above, each of its acceptance criteria this task
                                   // satisfies, and how this task's acceptance checks show it
        { "requirementId": string, // one of this task's requirementIds
          "criterion": string,     // the criterion, copied word for word from that requirement's "Acceptance:" list
          "shownBy": string }      // which check shows it, e.g. "test/slugify.test.js asserts slugify('') is ''"
      ]
    }
  ]
}

Rules:
- Every requirement of the spec is covered by at least one task; name only requirement ids that exist in the spec.
- Every acceptance criterion of every requirement appears in the "coverage" of at least one task, quoted from THIS
  spec. A task covers a requirement only if its own title, instructions and fileScope do what that requirement asks:
  the plan is checked against the spec's criteria, and a task that merely cites an id is rejected.
- A "command" is an argv array run without a shell, e.g. ["node", "--test", "test/slugify.test.js"] or
  ["npx", "eslint", "src"]; never a single shell string, no pipes, no "&&", no environment assignments.
- Prefer small tasks with disjoint fileScopes: tasks whose scopes overlap are run one after another.
  Use dependsOn only when a task needs another task's result (e.g. it imports a module the other creates).
- Give each task at least one failToPass check when the spec's acceptance criteria can be tested. Name test files
  that exist in the listing with testsBy "spec" only when they already contain the failing tests; otherwise let a
  test author write them (a new file, or new tests in an existing test file).
- Paths use forward slashes, are relative to the repository root, and stay inside it (no "..", no absolute paths).

Example. For this spec:
# textkit
## R1: slugify
\`slugify(text)\` turns a title into a URL slug in src/slugify.js.
Acceptance:
- \`slugify('Hello, World!')\` returns \`'hello-world'\`
- \`slugify(42)\` throws a \`TypeError\`
## R2: one entry point
Every helper is re-exported from src/index.js.
Acceptance:
- \`require('./src/index.js').slugify\` is the slugify function

Example of a complete answer:
{"tasks":[{"id":"add-slugify","title":"Add slugify","instructions":"Create src/slugify.js exporting slugify(text) as R1 describes; test/slugify.test.js covers every acceptance criterion of R1.","requirementIds":["R1"],"fileScope":["src/slugify.js"],"dependsOn":[],"acceptance":[{"kind":"failToPass","command":["node","--test","test/slugify.test.js"],"testFiles":["test/slugify.test.js"],"testsBy":"testAuthor"}],"coverage":[{"requirementId":"R1","criterion":"\`slugify('Hello, World!')\` returns \`'hello-world'\`","shownBy":"test/slugify.test.js asserts slugify('Hello, World!') is 'hello-world'"},{"requirementId":"R1","criterion":"\`slugify(42)\` throws a \`TypeError\`","shownBy":"test/slugify.test.js asserts slugify(42) throws a TypeError"}]},{"id":"export-index","title":"Export helpers from the entry point","instructions":"Re-export slugify from src/index.js as R2 describes.","requirementIds":["R2"],"fileScope":["src/index.js"],"dependsOn":["add-slugify"],"acceptance":[{"kind":"failToPass","command":["node","--test","test/index.test.js"],"testFiles":["test/index.test.js"],"testsBy":"testAuthor"},{"kind":"passToPass","command":["npm","test"]}],"coverage":[{"requirementId":"R2","criterion":"\`require('./src/index.js').slugify\` is the slugify function","shownBy":"test/index.test.js asserts the entry point's slugify is src/slugify.js's"}]}]}`;

/** The system and user messages that ask the model for a plan. */
export function buildPlanMessages(spec: Spec, repoFiles: readonly string[]): ChatMessage[] {
  return [
    { role: 'system', content: PLAN_SYSTEM_PROMPT },
    { role: 'user', content: planUserPrompt(spec, repoFiles) },
  ];
}

export function planUserPrompt(spec: Spec, repoFiles: readonly string[]): string {
  const ids = spec.requirements.map((r) => r.id).join(', ');
  return [
    `Plan the work for this specification (revision ${spec.revision.slice(0, 12)}).`,
    `Its requirements are ${ids}; every one must be covered by a task, and every acceptance criterion quoted in the "coverage" of a task that satisfies it.`,
    '',
    '<spec>',
    renderSpec(spec),
    '</spec>',
    '',
    `<repository-files count="${repoFiles.length}">`,
    renderFileListing(repoFiles),
    '</repository-files>',
    '',
    'Answer with only the JSON plan object.',
  ].join('\n');
}

/** The follow-up user message of the repair round: the validation errors, one a line. */
export function repairPrompt(errors: readonly string[]): ChatMessage {
  return {
    role: 'user',
    content: [
      'Your plan was rejected. Fix every problem below and answer again with the complete corrected plan,',
      'as ONLY a JSON object in the same format (no prose, no Markdown fence):',
      '',
      ...errors.map((e) => `- ${e}`),
    ].join('\n'),
  };
}

/** The spec as Markdown again, in the format parseSpec reads. */
export function renderSpec(spec: Spec): string {
  const parts = [`# ${spec.title}`];
  if (spec.overview) parts.push('', spec.overview);
  for (const r of spec.requirements) {
    parts.push('', `## ${r.id}: ${r.title}`);
    if (r.text) parts.push('', r.text);
    parts.push('', 'Acceptance:', ...r.acceptance.map((a) => `- ${a}`));
  }
  return parts.join('\n');
}

function renderFileListing(repoFiles: readonly string[]): string {
  if (repoFiles.length === 0) return '(the repository has no files yet)';
  const shown = [...repoFiles].sort().slice(0, MAX_LISTED_FILES);
  const more = repoFiles.length - shown.length;
  return more > 0 ? [...shown, `… and ${more} more files`].join('\n') : shown.join('\n');
}
