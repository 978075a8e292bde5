import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { foldEvents, reduce } from '../protocol/reduce';
import { formatJournalProblems, readJournal } from '../engine/journal/journalReader';
import { JournalWriter } from '../engine/journal/journalWriter';
import { loomHome, runPaths, type RunPaths } from '../engine/run/runPaths';
import type { EventBody, RunEvent } from '../protocol/events';
import type { RunState } from '../protocol/runState';
import { parseSpec, formatSpecErrors } from '../engine/spec/parseSpec';
import { AgentLauncher } from '../engine/run/agentLauncher';
import { DEFAULT_RUN_SETTINGS } from '../engine/run/runOptions';
import { resolveWithMergeAgent, type SemanticFix } from '../engine/run/mergeAgentResolution';
import { bundlePaths } from './bundlePaths';
import { endpointFromFlags } from './endpointFromFlags';
import { ESCALATION_CHOICES, EscalationError } from '../engine/run/resolveEscalation';
import { EscalationService, gateFromJournal } from '../engine/run/escalationService';
import { formatReport } from '../engine/run/report';
import { exitCodeOf } from './executeRun';
import { EXIT, UsageError } from './usageError';
import { approvalInbox, writeApprovalAnswer } from '../engine/run/approvalBroker';
import { APPROVAL_CHOICES } from '../protocol/policy';

/**
 * `loom resolve RUN ESC --choice ours|theirs|mergeAgent|manual`: answers a conflict escalation of a
 * finished run (`manual` checks the conflicted merge out for you; `loom resolve RUN ESC --complete`
 * lands it through the merge gate). `loom resolve RUN ESC approve|deny`: answers an approval a running agent waits on;
 * `extend|stop` a budget and `resume|stop` a run the circuit breaker paused.
 */
export async function resolveCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      choice: { type: 'string' },
      'loom-home': { type: 'string' },
      simulate: { type: 'string' },
      model: { type: 'string' },
      'base-url': { type: 'string' },
      complete: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [runId, escalationId, positionalChoice, ...extra] = positionals;
  if (!runId || !escalationId) throw new UsageError('needs a run id and an escalation id (loom runs lists the runs, loom status RUN their escalations)');
  if (extra.length) throw new UsageError(`unexpected argument(s): ${extra.join(' ')}`);
  if (positionalChoice && values.choice && positionalChoice !== values.choice) throw new UsageError(`two different choices: "${positionalChoice}" and --choice ${values.choice}`);
  const given = positionalChoice ?? values.choice;
  const paths = runPaths(values['loom-home'] ? resolve(values['loom-home']) : loomHome(), runId);
  if (!existsSync(paths.journal)) throw new UsageError(`no journal for run ${runId} at ${paths.journal}`);
  const { events, problems } = readJournal(paths.journal);
  for (const line of formatJournalProblems(paths.journal, problems)) print(line);
  const before = foldEvents(events);
  const target = before.escalations.find((e) => e.escalationId === escalationId);
  // Approvals, budgets and a paused run are answered while the run waits, by the run's own process.
  if (target && (target.kind === 'approval' || target.kind === 'budget' || target.kind === 'circuitBreaker')) return answerApproval(paths, before, escalationId, given, print);
  if (values.complete) {
    if (given) throw new UsageError('--complete lands the merge you made by hand: give no choice with it');
  } else if (!given || !(ESCALATION_CHOICES as readonly string[]).includes(given)) {
    throw new UsageError(`--choice must be one of ${ESCALATION_CHOICES.join(', ')} (or --complete after a manual merge)`);
  }
  if (!before.repo) throw new UsageError(`the journal of ${runId} does not say which repository it ran on`);
  // Seals a torn last line and continues the sequence after the last whole record.
  const writer = new JournalWriter(paths.journal);
  let state = before;
  const append = (body: EventBody) => {
    const event = writer.append(body);
    state = reduce(state, event);
    return event;
  };
  const merger = given === 'mergeAgent' ? await mergeAgentFor(before, paths, values, print) : null;
  const service = new EscalationService({ paths, state: () => state, append, gate: gateFromJournal(events, paths, bundlePaths()), mergeAgent: merger?.run });
  try {
    if (values.complete) {
      await service.completeManual(escalationId, 'cli');
    } else {
      const answer = await service.answer(escalationId, given!, 'cli');
      if (answer.kind === 'manualMergeStarted') {
        writer.flush();
        const { merge } = answer;
        print(`${escalationId}: ${merge.heldTaskId} is merged into the integration branch with conflict markers at ${merge.worktree}`);
        print(`  resolve ${merge.files.join(', ')} there, then: loom resolve ${runId} ${escalationId} --complete`);
        print(`  (both tasks' checks run on your merge before it lands)`);
        return EXIT.ok;
      }
    }
    const unresolved = state.escalations.find((e) => e.escalationId === escalationId && !e.resolution);
    writer.flush();
    if (unresolved) print(`${escalationId} is still open: the merge agent did not produce a verified merge (see the journal).`);
    const waiting = state.tasks.filter((t) => t.status === 'waiting');
    if (waiting.length && !unresolved) print(`${waiting.map((t) => t.task.id).join(', ')} waited on the conflict: loom resume ${runId} starts them from the resolved integration branch.`);
    print(formatReport(state));
    return exitCodeOf(state);
  } finally {
    await merger?.dispose();
    writer.dispose();
  }
}

/** How long `loom resolve` waits for the live run to journal the answer it left. */
const PICKUP_TIMEOUT_MS = 10_000;

/**
 * An approval is answered while its agent waits, by the run's own process (the journal's single
 * writer): the answer is left in the run's inbox and this waits until the journal records it.
 */
async function answerApproval(paths: RunPaths, state: RunState, escalationId: string, choice: string | undefined, print: (line: string) => void): Promise<number> {
  const escalation = state.escalations.find((e) => e.escalationId === escalationId)!;
  const choices = escalation.options.length ? escalation.options : [...APPROVAL_CHOICES];
  if (!choice || !choices.includes(choice)) throw new UsageError(`${escalationId} is answered with ${choices.join(' or ')} (loom resolve RUN ${escalationId} ${choices[0]})`);
  if (escalation.resolution !== null) throw new EscalationError(`${escalationId} was already answered: ${describeResolution(state, escalationId)}`);
  if (state.endedAt !== null) throw new EscalationError(`run ${state.runId} has finished; nobody waits for ${escalationId} any more`);
  writeApprovalAnswer(approvalInbox(paths.runDir), { escalationId, choice, by: 'cli' });
  const deadline = Date.now() + PICKUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const now = foldEvents(readJournal(paths.journal).events);
    // The decision follows the resolution in the journal: wait for both.
    if (now.policyDecisions.some((d) => d.escalationId === escalationId)) {
      print(`${escalationId}: ${describeResolution(now, escalationId)}`);
      print(escalation.question);
      return EXIT.ok;
    }
  }
  throw new EscalationError(`the run did not pick up the answer to ${escalationId} within ${PICKUP_TIMEOUT_MS / 1000} s: is it still running? (loom status ${state.runId})`);
}

function describeResolution(state: RunState, escalationId: string): string {
  const resolution = state.escalations.find((e) => e.escalationId === escalationId)?.resolution;
  const decision = [...state.policyDecisions].reverse().find((d) => d.escalationId === escalationId);
  return decision ? `${resolution} (${decision.by}: ${decision.reason})` : String(resolution);
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
    run: (s: RunState, escalationId: string, oursTaskId: string, heldTaskId: string, branch: string, append: (body: EventBody) => RunEvent, semantic?: SemanticFix) => {
      journal = append;
      return resolveWithMergeAgent({ state: s, spec: parsed.spec, paths, launcher, options: settings, append, integrationBranch: branch }, escalationId, oursTaskId, heldTaskId, semantic);
    },
    dispose: async () => {
      await launcher.dispose();
      await simulator?.close();
    },
  };
}
