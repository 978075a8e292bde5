import type { EventBody, RunEvent } from '../../protocol/events';
import { foldEvents, reduce } from '../../protocol/reduce';
import type { RunState } from '../../protocol/runState';
import { Emitter } from '../../base/emitter';
import { readJournal } from '../../engine/journal/journalReader';
import { JournalWriter } from '../../engine/journal/journalWriter';
import { EscalationError } from '../../engine/run/resolveEscalation';
import type { ManualMerge } from '../../engine/run/manualMerge';
import { EscalationService, gateFromJournal } from '../../engine/run/escalationService';
import type { RunOptions } from '../../engine/run/runOptions';
import { runPaths, type RunPaths } from '../../engine/run/runPaths';
import { runLiveness } from '../../engine/run/runOwner';
import type { CoordinatorLike } from './runController';

/**
 * A past run reopened from LOOM_HOME: its state is the fold of its journal, nothing runs. A person can
 * still answer its escalations (the engine's resolveEscalation and manual merge, as `loom resolve`
 * does) and review its findings; each answer is appended to the same journal (the later event wins).
 */
export class JournalRun implements CoordinatorLike {
  private readonly onDidEventEmitter = new Emitter<RunEvent>();
  readonly onDidEvent = this.onDidEventEmitter.event;
  private readonly paths: RunPaths;
  private stateValue: RunState;
  private escalations: EscalationService | null = null;
  private appendNow: ((body: EventBody) => RunEvent) | null = null;
  /** The journal as it was read, for the views (traces, spend). */
  readonly events: readonly RunEvent[];

  constructor(
    home: string,
    readonly runId: string,
    /** Loom's bundles: the merge gate runs a person's merge checks in the tool server's sandbox. */
    private readonly bundle: RunOptions['bundle'],
  ) {
    this.paths = runPaths(home, runId);
    this.events = readJournal(this.paths.journal).events;
    this.stateValue = foldEvents(this.events);
  }

  get state(): RunState {
    return this.stateValue;
  }

  get journalPath(): string {
    return this.paths.journal;
  }

  async run(): Promise<RunState> {
    return this.stateValue;
  }

  async stop(): Promise<void> {}

  async stopAgent(): Promise<boolean> {
    return false;
  }

  async resolveEscalation(escalationId: string, choice: string, by: string): Promise<RunState> {
    this.requireFinished(escalationId);
    const escalation = this.stateValue.escalations.find((e) => e.escalationId === escalationId);
    if (!escalation) throw new EscalationError(`run ${this.runId} has no escalation ${escalationId}`);
    if (escalation.kind === 'conflict') {
      if (choice === 'mergeAgent') throw new EscalationError(`a merge agent needs the run's model: resume the run, or answer ${escalationId} with ours, theirs or the merge editor`);
      await this.withWriter((append) => this.escalationService(append).answer(escalationId, choice, by));
      return this.stateValue;
    }
    if (escalation.resolution !== null) throw new EscalationError(`escalation ${escalationId} was already resolved (${escalation.resolution})`);
    await this.withWriter(async (append) => append({ type: 'escalation/didResolve', escalationId, choice, by }));
    return this.stateValue;
  }

  async startManualMerge(escalationId: string): Promise<ManualMerge> {
    this.requireFinished(escalationId);
    return this.withWriter((append) => this.escalationService(append).startManual(escalationId));
  }

  async completeManualMerge(escalationId: string, by: string): Promise<RunState> {
    this.requireFinished(escalationId);
    return this.withWriter((append) => this.escalationService(append).completeManual(escalationId, by));
  }

  /** The one escalation service, writing through the journal opened for this answer; it keeps the manual merges it started. */
  private escalationService(append: (body: EventBody) => RunEvent): EscalationService {
    this.appendNow = append;
    this.escalations ??= new EscalationService({
      paths: this.paths,
      state: () => this.stateValue,
      append: (body) => this.appendNow!(body),
      gate: gateFromJournal(this.events, this.paths, this.bundle),
    });
    return this.escalations;
  }

  reviewFinding(taskId: string, index: number, decision: 'accepted' | 'dismissed', by: string): RunState {
    const task = this.stateValue.tasks.find((t) => t.task.id === taskId);
    if (!task || index < 0 || index >= task.findings.length) throw new Error(`task ${taskId} has no finding #${index}`);
    this.requireNoOwner();
    const writer = new JournalWriter(this.paths.journal);
    try {
      this.record(writer, { type: 'finding/didReview', taskId, index, decision, by });
    } finally {
      writer.dispose();
    }
    return this.stateValue;
  }

  /** An unfinished run's questions are answered by the process that runs it: resume it first. */
  private requireFinished(escalationId: string): void {
    if (this.stateValue.endedAt === null) throw new EscalationError(`run ${this.runId} has not finished: resume it, then answer ${escalationId}`);
    this.requireNoOwner();
  }

  /** The journal has one writer: never append while another process runs the run. */
  private requireNoOwner(): void {
    const liveness = runLiveness(this.paths.runDir, false);
    if (liveness.state === 'live') throw new EscalationError(`run ${this.runId} is running in another process (${liveness.pid}): answer it there`);
  }

  /** Opens the journal for the answer (sealing a torn tail first), and closes it again. */
  private async withWriter<T>(act: (append: (body: EventBody) => RunEvent) => Promise<T>): Promise<T> {
    const writer = new JournalWriter(this.paths.journal);
    try {
      return await act((body) => this.record(writer, body));
    } finally {
      writer.dispose();
    }
  }

  private record(writer: JournalWriter, body: EventBody): RunEvent {
    const event = writer.append(body);
    writer.flush();
    this.stateValue = reduce(this.stateValue, event);
    this.onDidEventEmitter.fire(event);
    return event;
  }

  async dispose(): Promise<void> {
    this.onDidEventEmitter.dispose();
  }
}
