import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import type { RunController } from '../run/runController';
import { GitContentProvider } from './gitContentProvider';
import type { FindingsController } from './findingsController';

interface FindingThread {
  taskId: string;
  index: number;
  thread: vscode.CommentThread;
}

/**
 * The verifier's findings as comment threads on the task branch's side of "Open Diff" (the same
 * loom-git URIs), with Accept and Dismiss actions in each thread's title. A new run replaces them;
 * cleaning the run up removes them.
 */
export class FindingComments implements vscode.Disposable {
  private readonly controller = vscode.comments.createCommentController('loom-findings', 'Loom verifier findings');
  private readonly subscriptions: { dispose(): unknown }[] = [];
  private threads: FindingThread[] = [];

  constructor(
    private readonly run: RunController,
    private readonly findings: FindingsController,
  ) {
    this.subscriptions.push(
      run.onDidEvent((event) => {
        if (event.type === 'verify/didFinish') this.refresh();
      }),
      run.onDidReset(() => this.refresh()),
      findings.onDidClean(() => this.refresh()),
    );
    this.refresh();
  }

  /** The command handler of the thread title actions. */
  review(thread: vscode.CommentThread, decision: 'accepted' | 'dismissed'): void {
    const entry = this.threads.find((t) => t.thread === thread);
    if (!entry) return;
    this.findings.review(entry.taskId, entry.index, decision);
    thread.state = vscode.CommentThreadState.Resolved;
    thread.label = `${thread.label?.replace(/ — (accepted|dismissed)$/, '') ?? ''} — ${decision}`;
    thread.contextValue = `loom.finding.${decision}`;
  }

  private refresh(): void {
    for (const t of this.threads) t.thread.dispose();
    this.threads = [];
    const state = this.run.state;
    if (!state.repo || this.findings.isCleaned(state.runId)) return;
    for (const task of state.tasks) {
      const head = task.headCommit ?? task.branch;
      if (!head) continue;
      task.findings.forEach((finding, index) => {
        if (!finding.file || isAbsolute(finding.file)) return;
        const uri = GitContentProvider.uri({ repo: state.repo!, rev: head, path: finding.file.replace(/\\/g, '/') });
        const line = Math.max(0, (finding.line ?? 1) - 1);
        const body = new vscode.MarkdownString(`**${finding.rule}** (${finding.severity}): ${finding.message}`);
        if (finding.evidence) body.appendCodeblock(finding.evidence.slice(0, 2000));
        const comment: vscode.Comment = { body, mode: vscode.CommentMode.Preview, author: { name: `Loom verifier · ${task.task.id}` } };
        const thread = this.controller.createCommentThread(uri, new vscode.Range(line, 0, line, 0), [comment]);
        thread.label = `${finding.severity}: ${finding.rule}`;
        thread.canReply = false;
        thread.contextValue = 'loom.finding.open';
        thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
        this.threads.push({ taskId: task.task.id, index, thread });
      });
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.controller.dispose();
  }
}
