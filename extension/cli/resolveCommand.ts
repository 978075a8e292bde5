import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { foldEvents } from '../protocol/reduce';
import { readJournal } from '../engine/journal/journalReader';
import { JournalWriter } from '../engine/journal/journalWriter';
import { loomHome, runPaths, type RunPaths } from '../engine/run/runPaths';
import type { EventBody, RunEvent } from '../protocol/events';
import type { RunState } from '../protocol/runState';
import { parseSpec, formatSpecErrors } from '../engine/spec/parseSpec';
import { AgentLauncher } from '../engine/run/agentLauncher';
import { DEFAULT_RUN_SETTINGS } from '../engine/run/runOptions';
import { resolveWithMergeAgent } from '../engine/run/mergeAgentResolution';
import { bundlePaths } from './bundlePaths';
import { endpointFromFlags } from './endpointFromFlags';
import { ESCALATION_CHOICES, resolveEscalation, type EscalationChoice } from '../engine/run/resolveEscalation';
import { formatReport } from '../engine/run/report';
import { exitCodeOf } from './executeRun';
import { UsageError } from './usageError';

/** `loom resolve RUN ESC --choice ours|theirs|mergeAgent|manual`: answers a conflict escalation of a finished run. */
export async function resolveCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      choice: { type: 'string' },
      'loom-home': { type: 'string' },
      simulate: { type: 'string' },
      model: { type: 'string' },
      'base-url': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [runId, escalationId] = positionals;
  if (!runId || !escalationId) throw new UsageError('loom resolve needs a run id and an escalation id (see loom status RUN)');
  const choice = values.choice as EscalationChoice | undefined;
  if (!choice || !ESCALATION_CHOICES.includes(choice)) throw new UsageError(`--choice must be one of ${ESCALATION_CHOICES.join(', ')}`);
  const paths = runPaths(values['loom-home'] ? resolve(values['loom-home']) : loomHome(), runId);
  if (!existsSync(paths.journal)) throw new UsageError(`no journal for run ${runId} at ${paths.journal}`);
  const { events } = readJournal(paths.journal);
  const before = foldEvents(events);
  if (!before.repo) throw new UsageError(`the journal of ${runId} does not say which repository it ran on`);
  const writer = new JournalWriter(paths.journal, { nextSeq: before.lastSeq + 1 });
  const append = (body: EventBody) => writer.append(body);
  const merger = choice === 'mergeAgent' ? await mergeAgentFor(before, paths, values, print) : null;
  try {
    const state = await resolveEscalation(
      { repo: before.repo, scratchRoot: paths.scratch, events, append, mergeAgent: merger?.run },
      escalationId,
      choice,
      'cli',
    );
    const unresolved = state.escalations.find((e) => e.escalationId === escalationId && !e.resolution);
    if (unresolved) print(`${escalationId} is still open: the merge agent did not produce a verified merge (see the journal).`);
    print(formatReport(state));
    return exitCodeOf(state);
  } finally {
    await merger?.dispose();
    writer.dispose();
  }
}

/** The merge agent runs in a worker thread like every agent, so it needs a model and the run's spec. */
async function mergeAgentFor(
  state: RunState,
  paths: RunPaths,
  flags: { simulate?: string; model?: string; 'base-url'?: string },
  print: (line: string) => void,
) {
  const { endpoint, simulator } = await endpointFromFlags({ simulate: flags.simulate, baseUrl: flags['base-url'], model: flags.model }, print);
  const specText = readFileSync(state.specPath!, 'utf8');
  const parsed = parseSpec(specText, state.specPath!);
  if (!parsed.ok) throw new UsageError(`the run's spec ${state.specPath} no longer parses:\n${formatSpecErrors(parsed.errors, state.specPath!)}`);
  // The launcher journals through whatever append the resolution hands over, so its state sees every event.
  let journal: ((body: EventBody) => RunEvent) | null = null;
  const launcher = new AgentLauncher({
    workerScript: bundlePaths().agentWorker,
    endpoint,
    journal: (body) => {
      if (!journal) throw new Error('the merge agent journaled before it was started');
      return journal(body);
    },
  });
  const settings = { ...DEFAULT_RUN_SETTINGS, bundle: bundlePaths(), commandAllowlist: [...DEFAULT_RUN_SETTINGS.commandAllowlist] };
  return {
    run: (s: RunState, escalationId: string, oursTaskId: string, heldTaskId: string, branch: string, append: (body: EventBody) => RunEvent) => {
      journal = append;
      return resolveWithMergeAgent({ state: s, spec: parsed.spec, paths, launcher, options: settings, append, integrationBranch: branch }, escalationId, oursTaskId, heldTaskId);
    },
    dispose: async () => {
      await launcher.dispose();
      await simulator?.close();
    },
  };
}
