import { DRILLS } from '../../engine/drills/drillRegistry';
import type { CommandHelp, FlagHelp } from './helpTypes';
import { RUN_FLAGS_HELP } from './runFlagsHelp';

const RUN_ENVIRONMENT = ['LOOM_BASE_URL', 'LOOM_MODEL', 'LOOM_API_KEY', 'LOOM_HOME', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'LOOM_SANDBOX'] as const;
const loomHomeFlag: FlagHelp = { value: 'DIR', text: 'where the run was kept (default LOOM_HOME, else ~/.loom)' };
const runArgument = { RUN: 'the run id, printed by loom run and listed by loom runs' };
const modelFlags = { simulate: RUN_FLAGS_HELP.simulate, model: RUN_FLAGS_HELP.model, 'base-url': RUN_FLAGS_HELP['base-url'] };

/**
 * Every command's help, in the order `loom --help` lists them. Adding a command is one entry here
 * (and its handler in commands.ts, which the type of this record makes you add).
 */
export const COMMAND_HELP = {
  run: {
    summary: 'plan, run, verify and integrate a spec on a repository',
    usage: ['loom run --spec FILE --repo DIR [--model NAME --base-url URL | --simulate SCENARIO] [flags]'],
    description:
      "Turns a Markdown spec into a plan of tasks, runs them in parallel, each agent in its own git worktree and sandbox, verifies each result against the spec and merges the verified ones into the run's integration branch (loom/RUN/integration). Your checkout is never touched. Progress lines while it runs, a report at the end; the journal keeps everything.",
    flags: {
      spec: { value: 'FILE', text: 'the Markdown spec: requirements R1, R2… with acceptance criteria (docs/spec-format.md)' },
      repo: { value: 'DIR', text: 'the git repository to work on (at least one commit); the run starts from its HEAD' },
      ...RUN_FLAGS_HELP,
    },
    examples: [
      'loom run --spec SPEC.md --repo . --base-url http://127.0.0.1:11434/v1 --model qwen2.5-coder',
      'LOOM_BASE_URL=https://api.openai.com/v1 LOOM_MODEL=gpt-4.1 LOOM_API_KEY=sk-… loom run --spec SPEC.md --repo . --concurrency 4',
      'loom run --spec examples/demo/spec.md --repo DIR --simulate examples/demo/scenario.json',
    ],
    environment: RUN_ENVIRONMENT,
  },
  resume: {
    summary: 'continue an interrupted or stopped run from its journal',
    usage: ['loom resume RUN [--model NAME --base-url URL | --simulate SCENARIO] [flags of loom run]'],
    description:
      'Continues a run whose process ended before it finished (loom status says "interrupted"), or one that stopped, on the repository and spec its journal recorded. Finished tasks keep their results; unfinished ones continue from their last checkpoint.',
    arguments: runArgument,
    flags: RUN_FLAGS_HELP,
    examples: ['loom resume 20260105-101500-ab12 --base-url http://127.0.0.1:11434/v1 --model qwen2.5-coder', 'loom resume 20260105-101500-ab12 --simulate scenario.json'],
    environment: RUN_ENVIRONMENT,
  },
  runs: {
    summary: 'list the runs under LOOM_HOME, newest first',
    usage: ['loom runs [--loom-home DIR]'],
    description: 'Lists every run kept under LOOM_HOME: its id, status (planning or running while its process lives, interrupted when the process ended before the run did, or how it ended: succeeded, failed, escalated, stopped), repository and age.',
    flags: { 'loom-home': { value: 'DIR', text: 'list the runs kept there (default LOOM_HOME, else ~/.loom)' } },
    examples: ['loom runs', 'loom runs --loom-home /tmp/loom-home'],
    environment: ['LOOM_HOME'],
  },
  status: {
    summary: "print a run's report from its journal",
    usage: ['loom status RUN [--loom-home DIR]', 'loom status JOURNAL_OR_RUN_FOLDER'],
    description:
      'Folds the run\'s journal into the same report the run printed, and says whether the run is still running or was interrupted. Damaged journal lines are skipped and listed. Exits like loom run did: 0 succeeded, 1 failed, 3 an escalation waits.',
    arguments: { RUN: runArgument.RUN, JOURNAL_OR_RUN_FOLDER: "a journal.jsonl, or the run's folder, anywhere" },
    flags: { 'loom-home': loomHomeFlag },
    examples: ['loom status 20260105-101500-ab12', 'loom status ~/.loom/runs/20260105-101500-ab12/journal.jsonl'],
    environment: ['LOOM_HOME'],
  },
  resolve: {
    summary: 'answer an escalation: a conflict, an approval, a budget or a paused run',
    usage: [
      'loom resolve RUN ESCALATION --choice ours|theirs|mergeAgent|manual [--simulate S | --model M --base-url U]',
      'loom resolve RUN ESCALATION --complete',
      'loom resolve RUN ESCALATION approve|deny|extend|stop|resume',
    ],
    description:
      'Answers an escalation (loom status RUN lists them). A conflict: ours or theirs keeps one task\'s version, mergeAgent hands it to a merge agent, manual checks the conflicted merge out for you and --complete lands it through the merge gate. An approval, a budget or a paused run is answered while the run waits, from another shell.',
    arguments: { RUN: runArgument.RUN, ESCALATION: 'the escalation id, e.g. esc-1', CHOICE: 'the answer, instead of --choice' },
    flags: {
      choice: { value: 'ours|theirs|mergeAgent|manual', text: "how to resolve a conflict (docs/conflicts.md)" },
      complete: { text: 'land the merge you finished by hand after --choice manual' },
      'loom-home': loomHomeFlag,
      ...modelFlags,
    },
    examples: ['loom resolve RUN esc-1 --choice mergeAgent --base-url URL --model NAME', 'loom resolve RUN esc-2 approve', 'loom resolve RUN esc-1 --choice manual'],
    environment: ['LOOM_BASE_URL', 'LOOM_MODEL', 'LOOM_API_KEY', 'LOOM_HOME'],
  },
  replay: {
    summary: "re-run a run from its journal's model answers, time-travel, or fork it",
    usage: ['loom replay RUN [--yes | --no] [--policy FILE]', 'loom replay RUN --until N', 'loom replay RUN --fork-at N [--model NAME --base-url URL | --simulate SCENARIO] [flags of loom run]'],
    description:
      "Re-executes a recorded run from its journaled model responses (no model calls) on the same repository, base commit and spec, and says whether every agent did exactly what it did the first time. --until N prints the run's report as it stood at event N; --fork-at N continues the run from event N with a live model, as a new run.",
    arguments: runArgument,
    flags: {
      until: { value: 'N', text: "print the run's report folded to event N, and stop" },
      'fork-at': { value: 'N', text: 'continue from event N as a new run, with the model the flags name' },
      yes: RUN_FLAGS_HELP.yes,
      no: RUN_FLAGS_HELP.no,
      policy: RUN_FLAGS_HELP.policy,
      'loom-home': loomHomeFlag,
      ...modelFlags,
    },
    examples: ['loom replay 20260105-101500-ab12', 'loom replay 20260105-101500-ab12 --until 40', 'loom replay 20260105-101500-ab12 --fork-at 40 --simulate scenario.json'],
    environment: ['LOOM_HOME'],
  },
  trace: {
    summary: 'export a run as OpenTelemetry GenAI spans over OTLP/HTTP',
    usage: ['loom trace RUN --otlp URL [--loom-home DIR]'],
    description: 'Exports a past run\'s journal as OpenTelemetry GenAI spans (invoke_workflow, plan, invoke_agent, chat, execute_tool, with token usage and cost) to a collector such as Jaeger or Langfuse.',
    arguments: runArgument,
    flags: { otlp: { value: 'URL', text: 'the OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318 (or OTEL_EXPORTER_OTLP_ENDPOINT)' }, 'loom-home': loomHomeFlag },
    examples: ['loom trace 20260105-101500-ab12 --otlp http://127.0.0.1:4318'],
    environment: ['OTEL_EXPORTER_OTLP_ENDPOINT', 'LOOM_HOME'],
  },
  clean: {
    summary: "remove a run's worktrees (and branches), keeping its result",
    usage: ['loom clean RUN [--delete-branches [--discard-result]] [--repo DIR] [--loom-home DIR]'],
    description:
      "Removes the worktrees a run left (they are kept after a failure so you can inspect them). --delete-branches also deletes the run's loom/RUN/… branches, except the integration branch while it holds commits no other branch has: that is the run's result (bring it in with loom merge RUN first, or add --discard-result to delete it anyway).",
    arguments: runArgument,
    flags: {
      'delete-branches': { text: "also delete the run's loom/ branches (the integration branch only once its result is merged elsewhere)" },
      'discard-result': { text: 'with --delete-branches: delete the integration branch even though its commits are nowhere else (prints how to recover it)' },
      repo: { value: 'DIR', text: "the repository the run worked on (default: the one its journal names)" },
      'loom-home': loomHomeFlag,
    },
    examples: ['loom clean 20260105-101500-ab12', 'loom clean 20260105-101500-ab12 --delete-branches'],
    environment: ['LOOM_HOME'],
  },
  merge: {
    summary: "bring a run's result into your branch",
    usage: ['loom merge RUN [--partial] [--no-ff] [--loom-home DIR]'],
    description:
      "Merges the run's integration branch (loom/RUN/integration) into the branch checked out in the run's repository: a fast-forward when your branch has not moved, else a merge commit in your name. Refuses, changing nothing, when the working tree has uncommitted changes, HEAD is detached, the two conflict (then: git merge loom/RUN/integration by hand), or the run did not succeed (unless --partial).",
    arguments: runArgument,
    flags: {
      partial: { text: 'merge the result of a run that failed or waits for an answer: only the tasks it merged' } as FlagHelp,
      'no-ff': { text: 'always make a merge commit, even when a fast-forward would do' } as FlagHelp,
      'loom-home': loomHomeFlag,
    },
    examples: ['loom merge 20260105-101500-ab12', 'loom merge 20260105-101500-ab12 --no-ff'],
    environment: ['LOOM_HOME'],
  },
  simulate: {
    summary: 'run the model simulator on its own',
    usage: ['loom simulate --scenario FILE [--port N]'],
    description: 'Serves a scripted scenario as an OpenAI-compatible endpoint until Ctrl+C, so any client (or loom run --base-url) can use it.',
    flags: {
      scenario: { value: 'FILE', text: 'the scenario to serve (docs/scenarios.md)' },
      port: { value: 'N', text: 'the port to listen on (default: a free one)' },
    },
    examples: ['loom simulate --scenario examples/demo/scenario.json --port 8787'],
  },
  demo: {
    summary: 'run the bundled demo end to end against the simulator',
    usage: ['loom demo [--clean] [--loom-home DIR]'],
    description:
      'Creates a sample repository under LOOM_HOME (demo-repos/) and runs the whole pipeline on it against the model simulator: four tasks, a conflict the merge agent resolves, verification. Exits 0 only when the journal shows everything the demo promises. The run is kept like any other, so loom status, runs, merge and clean work on it; the demo prints those commands.',
    flags: {
      clean: { text: 'remove the demo repository and its run when the demo ends' } as FlagHelp,
      'loom-home': { ...loomHomeFlag, text: 'keep the demo there instead of LOOM_HOME (default ~/.loom)' },
      keep: { text: 'accepted for older instructions: keeping the run is the default now' },
    },
    examples: ['loom demo', 'loom demo --clean'],
    environment: ['LOOM_HOME'],
  },
  drill: {
    summary: "reproduce the twelve failure modes and check Loom's answer to each",
    usage: ['loom drill [N...] [--keep] [--concurrency N] [--verbose]'],
    description:
      "Reproduces DESIGN.md's twelve failure modes on purpose, each against the model simulator in a small git repository of its own, through a real run (worker threads, worktrees, MCP servers, the verifier), and checks the outcome Loom produced against the one it promises, from the run's journal. Prints one row per drill and exits 0 only when every selected drill holds (1 otherwise).",
    arguments: { N: 'the drills to run (1-12; default all):' },
    flags: {
      keep: { text: "keep each drill's folder (repositories, LOOM_HOME with journals and worktrees) and print it" },
      concurrency: { value: 'N', text: 'drills at a time (default 2)' },
      verbose: { text: "print the runs' progress lines and reports too" },
    },
    more: DRILLS.map((d) => `  ${String(d.mode).padStart(2)}  ${d.name}`),
    examples: ['loom drill', 'loom drill 3 5 --keep'],
  },
} satisfies Record<string, CommandHelp>;

export type CommandName = keyof typeof COMMAND_HELP;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_HELP, name);
}
