import type { RunState, TaskState } from '../../protocol/runState';
import { formatUsd } from '../../protocol/pricing';
import { costOfAgent, formatCost, spendOf } from '../../protocol/views/spend';
import { conflictCounts, conflictText, livePredictions, mergedByText, predictionText, TIER_LABEL, TIER_ORDER, tierCounts, waitingText } from '../../protocol/views/conflictText';
import { describeAction } from '../policy/actionPolicy';
import { describeRunOutcome } from '../../protocol/views/runOutcome';

/**
 * The end-of-run report, computed only from folded state: `loom run` prints it at the end and
 * `loom status` prints the same text from the journal.
 */
export function formatReport(state: RunState): string {
  const lines: string[] = [];
  lines.push(`Loom run ${state.runId ?? '?'}: ${state.status} (${state.tasks.filter((t) => t.status === 'merged').length} of ${state.tasks.length} tasks merged)`);
  lines.push(`  repo ${state.repo ?? '?'} at ${short(state.baseCommit)}; model ${state.model ?? '?'}`);
  if (state.integrationBranch) lines.push(`  integration branch ${state.integrationBranch} at ${short(state.integrationCommit)}`);
  const outcome = describeRunOutcome(state, 'cli');
  if (outcome.cause) lines.push(`  why: ${outcome.cause}`);
  if (outcome.nextStep) lines.push(`  next: ${outcome.nextStep}`);
  if (state.planErrors.length) {
    lines.push('', 'Plan validation');
    state.planErrors.forEach((errors, i) => lines.push(`  attempt ${i + 1}: ${errors.join('; ')}`));
  }

  if (state.tasks.length) {
    lines.push('', 'Tasks');
    const width = Math.max(...state.tasks.map((t) => t.task.id.length));
    for (const t of state.tasks) {
      const deps = t.task.dependsOn.length ? ` after ${t.task.dependsOn.join(', ')}` : '';
      const by = mergedByText(t);
      lines.push(`  ${t.task.id.padEnd(width)}  ${t.status.padEnd(10)} ${t.task.requirementIds.join(',')}${deps}  ${taskDuration(t)}${by ? `  (${by})` : ''}`);
      const waiting = waitingText(t);
      if (waiting) lines.push(`  ${''.padEnd(width)}  ${waiting}`);
      else if (t.failureReason) lines.push(`  ${''.padEnd(width)}  reason: ${t.failureReason}`);
    }

    lines.push('', 'Verification');
    for (const t of state.tasks) {
      if (!t.checks.length && !t.findings.length) continue;
      for (const c of t.checks) lines.push(`  ${t.task.id}: ${c.passed ? 'PASS' : 'FAIL'} ${c.check}: ${c.detail}`);
      for (const f of t.findings) {
        const where = f.file ? ` ${f.file}${f.line ? `:${f.line}` : ''}` : '';
        lines.push(`  ${t.task.id}: ${f.severity} ${f.rule}${where}: ${f.message}`);
      }
    }
  }

  const merged = state.tasks.filter((t) => t.status === 'merged');
  if (merged.length) {
    // AgentSpawn's table: how each merge landed, from the cheapest tier to a person.
    lines.push('', 'Merges by tier');
    const counts = tierCounts(merged);
    const width = Math.max(...TIER_ORDER.map((tier) => TIER_LABEL[tier].length));
    for (const tier of TIER_ORDER) {
      const tasks = merged.filter((t) => (t.mergedBy ?? 'auto') === tier).map((t) => t.task.id);
      lines.push(`  ${TIER_LABEL[tier].padEnd(width)}  ${String(counts[tier]).padStart(3)}${tasks.length ? `  ${tasks.join(', ')}` : ''}`);
    }
  }
  if (state.conflicts.length) {
    const { textual, semantic } = conflictCounts(state.conflicts);
    lines.push('', `Conflicts (${textual} textual before merge, ${semantic} semantic after it)`);
    for (const c of state.conflicts) lines.push(`  ${conflictText(c, 'x')}`);
  }
  const predicted = livePredictions(state);
  if (predicted.length) {
    lines.push('', 'Predicted conflicts still open');
    for (const p of predicted) lines.push(`  ${predictionText(p, 'x')}`);
  }
  if (state.escalations.length) {
    lines.push('', 'Escalations');
    for (const e of state.escalations) {
      lines.push(`  ${e.escalationId} [${e.kind}] ${e.question}`);
      if (e.tried) lines.push(`    tried: ${e.tried}`);
      lines.push(`    ${e.resolution ? `resolved: ${e.resolution}` : `pending; options: ${e.options.join(' | ')}`}`);
    }
  }

  if (state.policyDecisions.length) {
    lines.push('', 'Policy (actions not simply allowed)');
    for (const d of state.policyDecisions) {
      lines.push(`  ${d.agentId}: ${d.outcome} by ${d.by}${d.escalationId ? ` (${d.escalationId})` : ''}: ${describeAction(d.action)}; ${d.reason}`);
    }
  }

  if (state.agents.length) {
    lines.push('', 'Agents');
    const width = Math.max(...state.agents.map((a) => a.agentId.length));
    for (const a of state.agents) {
      const outcome = a.outcome ? a.outcome.kind : a.status;
      lines.push(
        `  ${a.agentId.padEnd(width)}  ${a.role.padEnd(11)} ${String(a.usage.inputTokens).padStart(7)} in ${String(a.usage.outputTokens).padStart(6)} out  ${formatUsd(costOfAgent(a, state.prices)).padStart(8)}  ${a.modelCalls} model / ${a.toolCalls} tool calls  ${outcome}`,
      );
    }
    const total = spendOf(state.agents, state.prices);
    // The provider's prompt cache: part of the input, priced lower where the price table says so.
    const cached = total.cachedInputTokens > 0 ? `  (${total.cachedInputTokens} of the input cached)` : '';
    lines.push(`  ${'total'.padEnd(width)}  ${''.padEnd(11)} ${String(total.inputTokens).padStart(7)} in ${String(total.outputTokens).padStart(6)} out  ${formatCost(total).padStart(8)}${cached}`);
  }
  if (state.startedAt !== null && state.endedAt !== null) {
    lines.push('', `Wall time ${seconds(state.endedAt - state.startedAt)}; sum of task times ${seconds(sumTaskTimes(state.tasks))}`);
  }
  return lines.join('\n');
}

export function sumTaskTimes(tasks: readonly TaskState[]): number {
  return tasks.reduce((sum, t) => sum + (t.startedAt !== null && t.endedAt !== null ? t.endedAt - t.startedAt : 0), 0);
}

function taskDuration(t: TaskState): string {
  return t.startedAt !== null && t.endedAt !== null ? seconds(t.endedAt - t.startedAt) : '';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function short(commit: string | null): string {
  return commit ? commit.slice(0, 10) : '?';
}
