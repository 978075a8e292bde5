import * as vscode from 'vscode';
import type { RunController } from '../run/runController';
import type { ApiKeyStore } from '../adapters/apiKeyStore';
import type { ChoiceState } from '../adapters/modelChoice';
import type { TraceDocuments } from '../review/traceDocuments';
import { openTaskDiff } from '../review/openTaskDiff';
import { taskLeases } from '../review/taskLeases';
import { cleanRunCommand } from './cleanRunCommand';
import { mergeResultCommand } from './mergeResultCommand';
import { targetOf } from './nodeArgs';
import { setApiKeyCommand } from './setApiKeyCommand';
import { startPlanCommand } from './startPlanCommand';
import { chooseModelCommand } from './chooseModelCommand';
import { openDemoCommand } from './openDemoCommand';
import { parseResolveArgs } from './startPlanArgs';
import { completeMerge, openMergeEditor } from '../review/openMergeEditor';
import { openRunCommand, resumeRunCommand, type PastRunDeps } from './pastRunCommands';
import type { DashboardTab } from '../../protocol/webviewMessages';
import { OPEN_ESCALATIONS_COMMAND } from '../views/agentsTreeModel';
import { withPickedChoice } from '../views/pickEscalationChoice';

export interface CommandDeps {
  extensionUri: vscode.Uri;
  controller: RunController;
  keys: ApiKeyStore;
  /** The workspace state (the model chosen for this workspace). */
  state: ChoiceState;
  log: vscode.LogOutputChannel;
  traces: TraceDocuments;
  pastRuns: PastRunDeps;
  openDashboard: (preserveFocus?: boolean, tab?: DashboardTab) => void;
  /** Clean Up Run removed a run's worktrees: its findings go. */
  onDidCleanRun: (runId: string) => void;
}

/** Every Loom command; each failure is logged and shown, never thrown into the void. */
/** The one open conflict escalation, when there is exactly one. */
function openEscalationOf(controller: { state: { escalations: { escalationId: string; kind: string; resolution: string | null }[] } }): string | undefined {
  const open = controller.state.escalations.filter((e) => e.kind === 'conflict' && !e.resolution);
  return open.length === 1 ? open[0].escalationId : undefined;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { controller, log } = deps;
  const setApiKey = () => setApiKeyCommand(deps.keys, log);
  const models = { keys: deps.keys, setApiKey, state: deps.state };
  const guarded =
    (name: string, fn: (...args: unknown[]) => Promise<unknown> | unknown) =>
    async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        log.error(`${name}: ${(err as Error).message}`);
        void vscode.window.showErrorMessage(`Loom: ${(err as Error).message}`);
        return undefined;
      }
    };
  const register = (id: string, fn: (...args: unknown[]) => Promise<unknown> | unknown) => vscode.commands.registerCommand(id, guarded(id, fn));

  return [
    register('loom.startPlan', (arg) =>
      startPlanCommand({ ...models, extensionUri: deps.extensionUri, controller, log, openDashboard: (tab) => deps.openDashboard(true, tab) }, arg),
    ),
    register('loom.chooseModel', () => chooseModelCommand(models, log)),
    register('loom.openDemo', () => openDemoCommand(deps.extensionUri, log)),
    register('loom.openDashboard', () => deps.openDashboard(false)),
    register(OPEN_ESCALATIONS_COMMAND, () => deps.openDashboard(false, 'escalations')),
    register('loom.setApiKey', setApiKey),
    register('loom.stopRun', async () => {
      if (!(await controller.stop())) void vscode.window.showInformationMessage('Loom: no run is active.');
      else log.info(`run ${controller.runId} stopped by the user`);
    }),
    register('loom.stopAgent', async (arg) => {
      const agentId = targetOf(arg).agentId ?? (await pickRunningAgent(controller));
      if (!agentId) return false;
      const stopped = await controller.stopAgent(agentId);
      log.info(stopped ? `agent ${agentId} stopped by the user` : `agent ${agentId} was not running`);
      if (!stopped) void vscode.window.showInformationMessage(`Loom: agent ${agentId} is not running.`);
      return stopped;
    }),
    register('loom.cleanRun', async (arg) => {
      const cleaned = await cleanRunCommand(controller, log, arg);
      if (cleaned) deps.onDidCleanRun(cleaned.runId);
      return cleaned;
    }),
    register('loom.mergeResult', (arg) => mergeResultCommand(log, arg)),
    register('loom.openRun', (arg) => openRunCommand(deps.pastRuns, arg)),
    register('loom.resumeRun', (arg) => resumeRunCommand(deps.pastRuns, arg)),
    register('loom.refreshRuns', () => deps.pastRuns.runs.refresh().length),
    register('loom.resolveEscalation', async (arg) => {
      const answered = await withPickedChoice(controller.state, arg);
      if (answered === null) return false;
      const parsed = parseResolveArgs(answered);
      if (!parsed.ok) throw new Error(parsed.error);
      if (parsed.choice === 'manual') {
        const merge = await openMergeEditor(controller, parsed.escalationId, log);
        return { worktree: merge.worktree, files: merge.files };
      }
      const state = await controller.resolveEscalation(parsed.escalationId, parsed.choice, 'user');
      log.info(`escalation ${parsed.escalationId} resolved: ${parsed.choice}; run ${state.status}`);
      return { status: state.status, integrationBranch: state.integrationBranch, integrationCommit: state.integrationCommit };
    }),
    register('loom.completeMerge', async (arg) => {
      const escalationId = (arg as { escalationId?: unknown } | undefined)?.escalationId ?? openEscalationOf(controller);
      if (typeof escalationId !== 'string') throw new Error('loom.completeMerge takes { escalationId } (no conflict is open in the merge editor)');
      await completeMerge(controller, escalationId, log);
      const state = controller.state;
      return { status: state.status, integrationBranch: state.integrationBranch, integrationCommit: state.integrationCommit };
    }),
    register('loom.openDiff', async (arg) => {
      const taskId = targetOf(arg).taskId ?? (await pickTask(controller));
      if (taskId) await openTaskDiff(controller.state, taskLeases(controller.events), taskId);
    }),
    register('loom.openWorktree', async (arg) => {
      const taskId = targetOf(arg).taskId ?? (await pickTask(controller));
      if (!taskId) return;
      const lease = taskLeases(controller.events).get(taskId);
      if (!lease?.present) {
        const answer = await vscode.window.showInformationMessage(
          `Loom: the worktree of ${taskId} was removed${lease?.branch ? `; its branch ${lease.branch} is kept` : ''}.`,
          'Open Diff',
        );
        if (answer) await openTaskDiff(controller.state, taskLeases(controller.events), taskId);
        return;
      }
      await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(lease.path), { forceNewWindow: true });
    }),
    register('loom.showTrace', async (arg) => {
      const target = targetOf(arg);
      if (target.agentId) return deps.traces.show({ agentId: target.agentId });
      const taskId = target.taskId ?? (await pickTask(controller));
      if (taskId) await deps.traces.show({ taskId });
    }),
  ];
}

async function pickRunningAgent(controller: RunController): Promise<string | undefined> {
  const running = controller.state.agents.filter((a) => a.status === 'running');
  if (running.length === 0) {
    void vscode.window.showInformationMessage('Loom: no agent is running.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    running.map((a) => ({ label: a.agentId, description: `${a.role}${a.taskId ? ` · ${a.taskId}` : ''}` })),
    { title: 'Loom: stop which agent?' },
  );
  return pick?.label;
}

async function pickTask(controller: RunController): Promise<string | undefined> {
  const tasks = controller.state.tasks;
  if (tasks.length === 0) {
    void vscode.window.showInformationMessage('Loom: the current run has no tasks yet.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    tasks.map((t) => ({ label: t.task.id, description: `${t.status} · ${t.task.title}` })),
    { title: 'Loom: which task?' },
  );
  return pick?.label;
}
