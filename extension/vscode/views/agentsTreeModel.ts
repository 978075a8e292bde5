import type { PriceTable } from '../../protocol/pricing';
import type { AgentState, RunState, TaskState, TaskStatus } from '../../protocol/runState';
import { spendOf } from '../../protocol/views/spend';
import { livePredictions, mergedByText, otherBranchName, predictedFileText, predictionsOfTask, tierCounts, tierCountsText, waitingText } from '../../protocol/views/conflictText';
import { agentFailed } from '../../protocol/views/agentVerdict';
import { countOf } from '../../protocol/views/plural';
import { attemptText, NEEDS_YOU, openEscalationOfTask, runStatusText, runWaitsOnPerson, taskStatusText } from '../../protocol/views/statusText';
import { formatSpend } from './usageText';
import { describeAction } from '../../engine/policy/actionPolicy';

/** A codicon id and an optional theme color id, turned into a ThemeIcon by the tree provider. */
export interface IconSpec {
  id: string;
  color?: string;
}

interface NodeBase {
  /** Unique and stable across refreshes, so the tree keeps expansion and selection. */
  id: string;
  label: string;
  description: string;
  tooltip: string;
  icon: IconSpec;
  /** Matched by `viewItem` in the manifest's menus. */
  contextValue: string;
  /** Has children, shown expanded (tasks start expanded, so their agents are visible). */
  collapsible: boolean;
  /** What a click does. */
  command?: { command: string; title: string; arguments: unknown[] };
}

/** A click on an escalation opens the dashboard on its Escalations tab. */
export const OPEN_ESCALATIONS_COMMAND = 'loom.openEscalations';

export type AgentsNode =
  | (NodeBase & { kind: 'run'; runId: string })
  | (NodeBase & { kind: 'task'; runId: string; taskId: string })
  | (NodeBase & { kind: 'agent'; runId: string; agentId: string; taskId: string | null; running: boolean })
  | (NodeBase & { kind: 'escalation'; runId: string; escalationId: string })
  | (NodeBase & { kind: 'prediction'; runId: string; taskId: string; otherTaskId: string | null });

const taskIcons: Record<TaskStatus, IconSpec> = {
  pending: { id: 'circle-outline' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  verifying: { id: 'beaker', color: 'charts.purple' },
  succeeded: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  stopped: { id: 'debug-stop', color: 'disabledForeground' },
  blocked: { id: 'circle-slash', color: 'disabledForeground' },
  merged: { id: 'git-merge', color: 'charts.green' },
  conflicted: { id: 'warning', color: 'list.warningForeground' },
  waiting: { id: 'watch', color: 'list.warningForeground' },
};

const runIcons: Record<RunState['status'], IconSpec> = {
  idle: { id: 'circle-outline' },
  planning: { id: 'sync~spin', color: 'charts.blue' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  succeeded: { id: 'pass-filled', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  escalated: { id: 'report', color: 'list.warningForeground' },
  stopped: { id: 'debug-stop', color: 'disabledForeground' },
};

/** Whatever waits on a person: the run, its tasks and its escalations look the same. */
const needsYouIcon: IconSpec = { id: 'report', color: 'list.warningForeground' };

export function agentIcon(agent: AgentState): IconSpec {
  if (agent.status === 'running') return { id: 'sync~spin', color: 'charts.blue' };
  switch (agent.outcome?.kind) {
    case 'completed':
      // A verifier that failed its task did its job, but the task failed: red, not a green check.
      return agentFailed(agent) ? { id: 'error', color: 'testing.iconFailed' } : { id: 'pass', color: 'testing.iconPassed' };
    case 'stopped':
      return { id: 'debug-stop', color: 'disabledForeground' };
    case 'budgetExceeded':
    case 'iterationCap':
    case 'loopDetected':
      return { id: 'warning', color: 'list.warningForeground' };
    case 'crashed':
    case 'invalidResult':
    case 'modelError':
    case 'toolError':
    case undefined:
      return { id: 'error', color: 'testing.iconFailed' };
  }
}

/** The tree's top level: the current run, if there is one. */
export function rootNodes(state: RunState): AgentsNode[] {
  if (!state.runId) return [];
  const runId = state.runId;
  const active = state.status === 'planning' || state.status === 'running';
  const spend = spendOf(state.agents, state.prices);
  const running = state.agents.filter((a) => a.status === 'running').length;
  const open = state.escalations.filter((e) => e.resolution === null).length;
  const status = runStatusText(state.status, open);
  return [
    {
      kind: 'run',
      runId,
      id: `run:${runId}`,
      label: `Run ${runId}`,
      description: `${status}${running ? ` · ${running} running` : ''} · ${formatSpend(spend)}`,
      tooltip: [
        `Run ${runId}: ${status}${open ? ` (${countOf(open, 'open question')})` : ''}`,
        state.repo ? `Repository: ${state.repo}` : '',
        state.model ? `Model: ${state.model}` : '',
        state.integrationBranch ? `Integration branch: ${state.integrationBranch}` : '',
        state.tasks.some((t) => t.status === 'merged') ? `Merges: ${tierCountsText(tierCounts(state.tasks))}` : '',
        livePredictions(state).length ? `Predicted conflicts: ${livePredictions(state).length}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
      icon: runWaitsOnPerson(state.status, open) ? needsYouIcon : runIcons[state.status],
      contextValue: active ? 'loom.run.active' : 'loom.run.finished',
      collapsible: true,
    },
  ];
}

/** Children of a node: a run has its open escalations, its task-less agents (the coordinator) and its tasks; a task has its agents. */
export function childNodes(state: RunState, parent: AgentsNode): AgentsNode[] {
  if (!state.runId || parent.runId !== state.runId) return [];
  if (parent.kind === 'run') {
    const escalations: AgentsNode[] = state.escalations
      .filter((e) => e.resolution === null)
      .map((e) => ({
        kind: 'escalation',
        runId: parent.runId,
        escalationId: e.escalationId,
        id: `escalation:${parent.runId}:${e.escalationId}`,
        label: `${e.escalationId}: ${e.kind === 'approval' ? 'approve?' : e.kind}`,
        description: `${NEEDS_YOU} · ${e.kind === 'approval' && e.action ? `${e.agentId ?? e.taskIds.join(' × ')} · ${describeAction(e.action)}` : e.taskIds.join(' × ')}`,
        tooltip: `${NEEDS_YOU}: ${e.question}\nOptions: ${e.options.join(', ')}\nClick to answer it on the dashboard's Escalations tab; right-click to resolve it here.`,
        icon: needsYouIcon,
        contextValue: 'loom.escalation',
        collapsible: false,
        command: { command: OPEN_ESCALATIONS_COMMAND, title: 'Open Escalations', arguments: [{ escalationId: e.escalationId }] },
      }));
    const loose = state.agents.filter((a) => a.taskId === null || !state.tasks.some((t) => t.task.id === a.taskId)).map((a) => agentNode(parent.runId, a, state.prices));
    return [...escalations, ...loose, ...state.tasks.map((t) => taskNode(parent.runId, t, state))];
  }
  if (parent.kind === 'task') {
    const predictions: AgentsNode[] = predictionsOfTask({ predictions: livePredictions(state) }, parent.taskId).map(({ other, prediction: p }) => ({
      kind: 'prediction',
      runId: parent.runId,
      taskId: parent.taskId,
      otherTaskId: other,
      id: `prediction:${parent.runId}:${parent.taskId}:${other ?? ''}`,
      label: `conflict predicted with ${otherBranchName(other)}`,
      description: p.files.map(predictedFileText).join('; '),
      tooltip: `If ${parent.taskId} and ${otherBranchName(other)} merged now, git would conflict in:\n${p.files.map((f) => `  ${predictedFileText(f)}`).join('\n')}\nChecked at ${p.commit.slice(0, 10)}.`,
      icon: { id: 'warning', color: 'list.warningForeground' },
      contextValue: 'loom.prediction',
      collapsible: false,
    }));
    return [...predictions, ...state.agents.filter((a) => a.taskId === parent.taskId).map((a) => agentNode(parent.runId, a, state.prices))];
  }
  return [];
}

function taskNode(runId: string, t: TaskState, state: RunState): AgentsNode {
  const own = state.agents.filter((a) => a.taskId === t.task.id);
  const predicted = predictionsOfTask({ predictions: livePredictions(state) }, t.task.id);
  const deps = t.task.dependsOn.length ? `\nAfter: ${t.task.dependsOn.join(', ')}` : '';
  const findings = t.findings.length ? `\nFindings: ${t.findings.length}` : '';
  const waiting = waitingText(t);
  const by = mergedByText(t);
  const status = taskStatusText(state, t);
  const conflicts = predicted.length ? [`conflict predicted with ${predicted.map((p) => otherBranchName(p.other)).join(', ')}`] : [];
  return {
    kind: 'task',
    runId,
    taskId: t.task.id,
    id: `task:${runId}:${t.task.id}`,
    // The status leads the label: a long title never pushes it out of sight.
    label: `${status} · ${t.task.title}`,
    description: [...conflicts, formatSpend(spendOf(own, state.prices))].join(' · '),
    tooltip: [
      `${t.task.id}: ${t.task.title}`,
      `Status: ${status}${t.attempts > 1 && !/attempt/.test(status) ? ` (attempt ${t.attempts})` : ''}${by ? `, ${by}` : ''}`,
      `Scope: ${t.task.fileScope.join(', ')}${deps}${findings}`,
      waiting ? `Waiting: ${waiting.replace(/^waits on /, 'on ')}` : t.failureReason ? `Reason: ${t.failureReason}` : '',
      ...predicted.map(({ other, prediction: p }) => `Predicted conflict with ${otherBranchName(other)}: ${p.files.map(predictedFileText).join('; ')}`),
    ]
      .filter(Boolean)
      .join('\n'),
    icon: t.status !== 'merged' && openEscalationOfTask(state, t) ? needsYouIcon : taskIcons[t.status],
    contextValue: `loom.task.${t.status}`,
    // Always expandable and expanded: agents that start later appear under an open task.
    collapsible: true,
  };
}

function agentNode(runId: string, a: AgentState, prices: PriceTable | null): AgentsNode {
  const running = a.status === 'running';
  return {
    kind: 'agent',
    runId,
    agentId: a.agentId,
    taskId: a.taskId,
    running,
    id: `agent:${runId}:${a.agentId}`,
    label: a.agentId,
    description: [
      a.role,
      a.taskId && a.attempt && a.attempt > 1 ? attemptText(a.attempt) : '',
      agentFailed(a) && a.outcome?.kind === 'completed' ? `Failed: ${a.outcome.message}` : '',
      formatSpend(spendOf([a], prices)),
    ]
      .filter(Boolean)
      .join(' · '),
    tooltip: `${a.agentId} (${a.role}, thread ${a.threadId})\nModel: ${a.model}\nModel calls: ${a.modelCalls} · tool calls: ${a.toolCalls}\nBudget: ${a.budgetTokens} tokens${a.outcome ? `\nOutcome: ${a.outcome.kind}: ${a.outcome.message}` : ''}`,
    icon: agentIcon(a),
    contextValue: running ? 'loom.agent.running' : 'loom.agent.finished',
    collapsible: false,
    command: { command: 'loom.showTrace', title: 'Show Trace', arguments: [{ agentId: a.agentId }] },
  };
}
