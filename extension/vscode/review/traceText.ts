import type { RunEvent } from '../../protocol/events';
import { countOf } from '../../protocol/views/plural';

/** A plain-text timeline of one agent's or one task's model and tool calls, from the journal. */
export function traceText(events: readonly RunEvent[], filter: { agentId?: string; taskId?: string }): string {
  const start = events[0]?.ts ?? 0;
  const t = (ts: number) => `[${((ts - start) / 1000).toFixed(1).padStart(6)}s]`;
  const lines: string[] = [`Loom trace of ${filter.agentId ? `agent ${filter.agentId}` : `task ${filter.taskId}`}`, ''];
  for (const e of events) {
    const agentId = 'agentId' in e ? e.agentId : undefined;
    const taskId = 'taskId' in e && typeof e.taskId === 'string' ? e.taskId : undefined;
    if (filter.agentId ? agentId !== filter.agentId : taskId !== filter.taskId) continue;
    const who = agentId ? `${agentId}: ` : '';
    switch (e.type) {
      case 'agent/didStart':
        lines.push(`${t(e.ts)} ${who}started (${e.role}, ${e.model}, budget ${e.budgetTokens} tokens, attempt ${e.attempt})`);
        break;
      case 'mcp/didStart':
        lines.push(`${t(e.ts)} ${who}MCP server ${e.server} (pid ${e.pid}) tools: ${e.tools.join(', ')}`);
        break;
      case 'mcp/didFail':
        lines.push(`${t(e.ts)} ${who}MCP server ${e.server} (pid ${e.pid}) failed, ${e.reason}: ${e.message}${e.willRestart ? '' : ' (stays down)'}`);
        break;
      case 'mcp/didRestart':
        lines.push(`${t(e.ts)} ${who}MCP server ${e.server} restarted (pid ${e.previousPid} → ${e.pid})`);
        break;
      case 'model/didRespond':
        lines.push(`${t(e.ts)} ${who}chat turn ${e.turn}: ${e.durationMs} ms, ${e.usage.inputTokens} in / ${e.usage.outputTokens} out, ${e.finishReason}`);
        if (e.content) lines.push(indent(e.content.slice(0, 2000)));
        for (const call of e.toolCalls) lines.push(`      → ${call.name}(${call.arguments.slice(0, 300)})`);
        break;
      case 'model/didFail':
        lines.push(`${t(e.ts)} ${who}model ${e.errorKind}: ${e.message}${e.willRetry ? ' (retrying)' : ''}`);
        break;
      case 'tool/didCall':
        lines.push(`${t(e.ts)} ${who}tool ${e.server}/${e.tool} ${e.ok ? 'ok' : 'FAILED'} in ${e.durationMs} ms`);
        if (e.summary) lines.push(indent(e.summary.slice(0, 1000)));
        break;
      case 'checkpoint/didCommit':
        lines.push(`${t(e.ts)} ${who}checkpoint ${e.commit.slice(0, 10)} (turn ${e.turn})`);
        break;
      case 'agent/didWarn':
        lines.push(`${t(e.ts)} ${who}warning (${e.kind}): ${e.message}`);
        break;
      case 'agent/didFinish':
        lines.push(`${t(e.ts)} ${who}${e.outcome.kind}: ${e.outcome.message} (${e.usage.inputTokens + e.usage.outputTokens} tokens)`);
        break;
      case 'setup/didRun':
        lines.push(`${t(e.ts)} setup (${e.purpose}) ${e.passed ? 'ok' : 'FAILED'}: ${e.command}${e.passed ? '' : `\n${indent(e.output.slice(-1000))}`}`);
        break;
      case 'tests/didFreeze':
        lines.push(`${t(e.ts)} acceptance tests frozen at ${e.commit.slice(0, 10)}: ${e.files.join(', ')}`);
        break;
      case 'verify/didCheck':
        lines.push(`${t(e.ts)} verify ${e.passed ? 'PASS' : 'FAIL'} ${e.check}${e.detail ? `\n${indent(e.detail.slice(0, 1000))}` : ''}`);
        break;
      case 'verify/didFinish':
        lines.push(`${t(e.ts)} verification ${e.passed ? 'passed' : 'failed'} with ${countOf(e.findings.length, 'finding')}`);
        for (const f of e.findings) lines.push(`      ${f.severity} ${f.rule}${f.file ? ` ${f.file}${f.line ? `:${f.line}` : ''}` : ''}: ${f.message}`);
        break;
      case 'task/didStart':
      case 'task/didReport':
      case 'task/didSucceed':
      case 'task/didFail':
      case 'task/didBlock':
        lines.push(`${t(e.ts)} ${e.type}${'reason' in e ? `: ${e.reason}` : ''}`);
        break;
      case 'conflict/didPredict':
      case 'conflict/didClear':
      case 'conflict/didDetect':
      case 'task/didWait':
      case 'escalation/didOpen':
      case 'escalation/didResolve':
      case 'effect/didAbandon':
      case 'effect/willApply':
      case 'finding/didReview':
      case 'lease/didCreate':
      case 'lease/didRemove':
      case 'merge/didMerge':
      case 'plan/didAccept':
      case 'plan/didFailValidation':
      case 'policy/didDecide':
      case 'run/didFinish':
      case 'run/didResume':
      case 'run/didStart':
      case 'spec/didParse':
        break;
    }
  }
  return lines.join('\n') + '\n';
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
}
