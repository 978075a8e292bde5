/** A mistake in how the CLI was called: exit code 2, with a message that says what to do. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT = { ok: 0, taskFailures: 1, usage: 2, escalationPending: 3 } as const;

export const USAGE = `Usage:
  loom run --spec FILE --repo DIR [--model NAME --base-url URL | --simulate SCENARIO]
           [--concurrency N] [--lint "CMD ARGS"] [--allow CMD]... [--mcp-config FILE] [--task-budget TOKENS] [--verifier-model NAME] [--otlp URL]
           [--command-timeout SECONDS] [--flake-reruns N] [--setup "npm ci && npm run build"]   (--allow adds to node, npm, npx)
           [--policy FILE] [--yes | --no]   (approvals: docs/policy.md; --yes/--no answer every one, for CI)
           [--on-predicted-conflict tell|hold|off]   (two tasks changing the same lines: docs/conflicts.md)
  loom resume RUN [--model NAME --base-url URL | --simulate SCENARIO] [same flags as run]   (an interrupted or stopped run, from its journal)
  loom replay RUN [--until N] [--yes | --no] [--policy FILE]   (re-run from the journal's model responses, or the report at event N)
  loom replay RUN --fork-at N [--model NAME --base-url URL | --simulate SCENARIO]   (continue from event N with a live model, as a new run)
  loom status RUN [--loom-home DIR]
  loom trace RUN --otlp URL                  (OpenTelemetry GenAI spans over OTLP/HTTP)
  loom resolve RUN ESCALATION --choice ours|theirs|mergeAgent|manual [--simulate S | --model M --base-url U]
  loom resolve RUN ESCALATION approve|deny     (an approval a running agent waits on)
  loom clean RUN --repo DIR [--delete-branches]
  loom simulate --scenario FILE [--port N]
  loom demo [--keep]
  loom drill [N...] [--keep]                 (the twelve failure modes reproduced against the simulator; loom drill --help)

Exit codes: 0 success, 1 task failures, 2 usage errors, 3 escalation pending.
The API key comes from the environment only: LOOM_API_KEY or OPENAI_API_KEY.`;
