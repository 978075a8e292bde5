import * as vscode from 'vscode';
import { z } from 'zod';
import { readJournal } from '../../engine/journal/journalReader';
import { runPaths } from '../../engine/run/runPaths';
import type { RunSummary } from '../../protocol/runSummary';
import type { DashboardTab } from '../../protocol/webviewMessages';
import { JournalRun } from '../run/journalRun';
import { extensionBundlePaths } from '../run/buildRunOptions';
import { isResumable, type PastRuns } from '../run/pastRuns';
import type { RunController } from '../run/runController';
import { modelSourceFor, type ModelSourceDeps } from './pickModelSource';
import { prepareRun } from './runSetup';
import { followRun } from './startPlanCommand';

export interface PastRunDeps extends ModelSourceDeps {
  extensionUri: vscode.Uri;
  controller: RunController;
  runs: PastRuns;
  log: vscode.LogOutputChannel;
  openDashboard: (tab?: DashboardTab) => void;
}

/** `{ runId }` from a tree node, the dashboard or the command API; the palette passes nothing. */
const OpenRunArgs = z.object({ runId: z.string().min(1) }).strict();
/** Resume takes the model like Start Agent Plan: the simulator (with a scenario) or the configured one. */
const ResumeRunArgs = z
  .object({ runId: z.string().min(1), source: z.enum(['simulator', 'settings']).optional(), scenarioPath: z.string().min(1).optional() })
  .strict();

function parseArgs<T>(schema: z.ZodType<T>, command: string, arg: unknown): T | undefined {
  if (arg === undefined || arg === null) return undefined;
  const parsed = schema.safeParse(arg);
  if (!parsed.success) throw new Error(`${command}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/**
 * Loom: Open Run — shows a run from LOOM_HOME in the dashboard and the Agents view, folded from its
 * journal (plan, traces, spend, findings, escalations); its open escalations can be answered there.
 */
export async function openRunCommand(deps: PastRunDeps, arg: unknown): Promise<{ runId: string; status: string } | undefined> {
  const { controller } = deps;
  const runId = parseArgs(OpenRunArgs, 'loom.openRun', arg)?.runId ?? (await pickRun(deps.runs.refresh(), 'Loom: open which run?'))?.runId;
  if (!runId) return undefined;
  if (controller.runId === runId) {
    deps.openDashboard();
    return { runId, status: controller.state.status };
  }
  if (controller.isRunning) throw new Error(`run ${controller.runId} is still active: stop it (or let it finish) before opening another run`);
  const summary = deps.runs.find(runId) ?? deps.runs.refresh().find((r) => r.runId === runId);
  if (!summary) throw new Error(`no run ${runId} in ${deps.runs.loomHome}`);
  const run = new JournalRun(deps.runs.loomHome, runId, extensionBundlePaths(deps.extensionUri.fsPath));
  await controller.show(run, run.events);
  deps.log.info(`run ${runId} reopened from ${run.journalPath}: ${summary.status}`);
  deps.openDashboard();
  return { runId, status: summary.status };
}

/**
 * Loom: Resume Run — continues an interrupted (or stopped) run in this window through the engine's
 * resume (RunOptions.resume, as `loom resume` does): finished tasks keep their results, tasks in
 * flight continue from their last checkpoint; the dashboard and sidebar follow it live.
 */
export async function resumeRunCommand(deps: PastRunDeps, arg: unknown): Promise<{ runId: string; journalPath: string } | undefined> {
  const { controller, log } = deps;
  const args = parseArgs(ResumeRunArgs, 'loom.resumeRun', arg);
  const runs = deps.runs.refresh();
  const summary = args ? runs.find((r) => r.runId === args.runId) : await pickRun(runs.filter(isResumable), 'Loom: resume which run?');
  if (!summary) {
    if (args) throw new Error(`no run ${args.runId} in ${deps.runs.loomHome}`);
    if (!runs.some(isResumable)) void vscode.window.showInformationMessage('Loom: no run is interrupted or stopped; nothing to resume.');
    return undefined;
  }
  if (!isResumable(summary)) throw new Error(`run ${summary.runId} is ${summary.status}; only an interrupted or stopped run can be resumed`);
  if (!summary.repo || !summary.specPath) throw new Error(`the journal of ${summary.runId} does not name its repository and spec`);
  if (controller.isRunning) throw new Error(`run ${controller.runId} is still active: stop it first`);
  const source = await modelSourceFor(deps, args ?? {});
  if (!source) return undefined;
  const { options, resources } = await prepareRun({ extensionUri: deps.extensionUri, log, repo: summary.repo, specPath: summary.specPath, source });
  const history = readJournal(runPaths(deps.runs.loomHome, summary.runId).journal).events;
  try {
    const started = await controller.start({ ...options, loomHome: deps.runs.loomHome, runId: summary.runId, resume: true }, resources, history);
    log.info(`run ${started.runId} resumed on ${summary.repo}; journal ${started.journalPath}`);
    followRun(deps, started);
    deps.openDashboard();
    return { runId: started.runId, journalPath: started.journalPath };
  } catch (err) {
    for (const r of resources) await r.dispose();
    throw err;
  }
}

async function pickRun(runs: readonly RunSummary[], title: string): Promise<RunSummary | undefined> {
  if (runs.length === 0) return undefined;
  const pick = await vscode.window.showQuickPick(
    runs.map((run) => ({
      label: run.runId,
      description: `${run.status} · ${run.repo ?? 'repository unknown'}`,
      detail: run.openEscalations.length ? `${run.openEscalations.length} escalation(s) open` : undefined,
      run,
    })),
    { title },
  );
  return pick?.run;
}
