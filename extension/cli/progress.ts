import type { RunEvent } from '../protocol/events';

/** One live line per meaningful event, prefixed with the seconds since the run started and the agent. */
export function progressLine(event: RunEvent, startedAt: number): string | null {
  const t = `[${((event.ts - startedAt) / 1000).toFixed(1).padStart(5)}s]`;
  const who = (id: string) => id.padEnd(20);
  switch (event.type) {
    case 'run/didStart':
      return (
        `${t} run ${event.runId} on ${event.repo} at ${event.baseCommit.slice(0, 10)} (${event.model}, concurrency ${event.concurrency})` +
        (event.sandbox ? `\n${t} ${event.sandbox}` : '')
      );
    case 'plan/didFailValidation':
      return `${t} ${who('coordinator-1')} plan invalid (attempt ${event.attempt}): ${event.errors.join('; ')}`;
    case 'plan/didAccept':
      return `${t} ${who('coordinator-1')} plan: ${event.plan.tasks.map((task) => task.id + (task.dependsOn.length ? `(after ${task.dependsOn.join(',')})` : '')).join(', ')}`;
    case 'agent/didStart':
      return `${t} ${who(event.agentId)} started (${event.role}, thread ${event.threadId})`;
    case 'mcp/didStart':
      return `${t} ${who(event.agentId)} MCP ${event.server} pid ${event.pid}`;
    case 'mcp/didFail':
      return `${t} ${who(event.agentId)} MCP ${event.server} failed (${event.reason}): ${event.message}${event.willRestart ? '; restarting it' : `; down after ${event.restarts} restart(s)`}`;
    case 'mcp/didRestart':
      return `${t} ${who(event.agentId)} MCP ${event.server} restarted, pid ${event.pid} (restart ${event.restarts})`;
    case 'model/didFail':
      return `${t} ${who(event.agentId)} model ${event.errorKind}: ${event.message}${event.willRetry ? ` (retrying in ${event.retryAfterMs ?? 0} ms)` : ''}`;
    case 'tool/didCall':
      return `${t} ${who(event.agentId)} ${event.tool} ${event.ok ? 'ok' : `failed: ${event.summary.slice(0, 120)}`}`;
    case 'checkpoint/didCommit':
      return `${t} ${who(event.agentId)} checkpoint ${event.commit.slice(0, 10)}`;
    case 'agent/didWarn':
      return `${t} ${who(event.agentId)} warning (${event.kind}): ${event.message}`;
    case 'agent/didFinish':
      return `${t} ${who(event.agentId)} ${event.outcome.kind}: ${event.outcome.message.split('\n')[0]} (${event.usage.inputTokens + event.usage.outputTokens} tokens)`;
    case 'setup/didRun':
      return `${t} setup ${event.taskId} (${event.purpose}) ${event.passed ? 'ok' : `FAILED (exit ${event.exitCode ?? 'killed'})`}: ${event.command} in ${(event.durationMs / 1000).toFixed(1)}s`;
    case 'run/didResume':
      return `${t} run resumed from its journal${event.previousPid ? ` (its process ${event.previousPid} is gone)` : ''}: ${event.tasks.length ? `continuing ${event.tasks.join(', ')}` : 'nothing left to run'}`;
    case 'tests/didFreeze':
      return `${t} task ${event.taskId} acceptance tests frozen at ${event.commit.slice(0, 10)}: ${event.files.join(', ')}${event.discarded.length ? ` (the test author's other changes put back: ${event.discarded.join(', ')})` : ''}`;
    case 'verify/didCheck':
      return `${t} ${who(`verify ${event.taskId}`)} ${event.passed ? 'PASS' : 'FAIL'} ${event.check}`;
    case 'task/didSucceed':
      return `${t} task ${event.taskId} verified`;
    case 'task/didFail':
      return `${t} task ${event.taskId} FAILED: ${event.reason}`;
    case 'task/didBlock':
      return `${t} task ${event.taskId} blocked by ${event.blockedBy.join(', ')}`;
    case 'conflict/didPredict':
      return `${t} conflict predicted: ${event.taskId} x ${event.otherTaskId ?? 'the integration branch'} in ${event.files.map((f) => f.path).join(', ')}`;
    case 'conflict/didClear':
      return `${t} predicted conflict gone: ${event.taskId} x ${event.otherTaskId ?? 'the integration branch'}`;
    case 'conflict/didDetect':
      return event.cause === 'semantic'
        ? `${t} semantic conflict: ${event.taskIds.join(' x ')} merge cleanly but ${event.check ?? 'a check'} fails`
        : `${t} conflict before merge: ${event.taskIds.join(' x ')} in ${event.files.map((f) => f.path).join(', ')}`;
    case 'merge/didMerge':
      return `${t} merged ${event.taskId} into ${event.branch}${event.tier && event.tier !== 'auto' ? ` (resolved by ${event.tier === 'person' ? 'a person' : 'a merge agent'})` : ''}`;
    case 'task/didWait':
      return `${t} task ${event.taskId} waits for ${event.escalationId}: ${event.reason}`;
    case 'escalation/didOpen':
      return `${t} ESCALATION ${event.escalationId}: ${event.question}`;
    case 'escalation/didResolve':
      return `${t} ${event.escalationId} answered: ${event.choice} (${event.by})`;
    case 'policy/didDecide':
      return `${t} ${who(event.agentId)} policy: ${event.outcome} by ${event.by}: ${event.reason}`;
    case 'run/didFinish':
      return `${t} run ${event.status}`;
    case 'finding/didReview':
    case 'lease/didCreate':
    case 'lease/didRemove':
    case 'model/didRespond':
    case 'effect/willApply':
    case 'effect/didAbandon':
    case 'spec/didParse':
    case 'task/didReport':
    case 'task/didStart':
    case 'verify/didFinish':
      return null;
  }
}
