import type { RunEvent } from '../../protocol/events';
import { initialRunState, type RunState } from '../../protocol/runState';
import { foldEvents } from '../../protocol/reduce';
import type { RunOptions } from '../../engine/run/runOptions';
import type { ManualMerge } from '../../engine/run/manualMerge';
import { Emitter } from '../../base/emitter';
import type { Disposable } from '../../base/disposable';

/** What the controller needs of a RunCoordinator; tests pass a fake. */
export interface CoordinatorLike extends Disposable {
  readonly runId: string;
  readonly state: RunState;
  readonly journalPath: string;
  readonly onDidEvent: (listener: (event: RunEvent) => void) => Disposable;
  run(): Promise<RunState>;
  stop(): Promise<void>;
  stopAgent(agentId: string): Promise<boolean>;
  resolveEscalation(escalationId: string, choice: string, by: string): Promise<RunState>;
  reviewFinding(taskId: string, index: number, decision: 'accepted' | 'dismissed', by: string): RunState;
  startManualMerge(escalationId: string): Promise<ManualMerge>;
  completeManualMerge(escalationId: string, by: string): Promise<RunState>;
  /** The host is going away: end the run's processes but leave it unfinished (resumable). Absent: dispose. */
  close?(): Promise<void>;
}

export interface StartedRun {
  runId: string;
  journalPath: string;
  /** Settles with the final state when the run ends; never rejects (a crash is reported as `error`). */
  done: Promise<{ state: RunState; error: Error | null }>;
}

/**
 * Owns at most one run: starts it, relays its events and state, stops it. A finished run's
 * coordinator is kept (its workers already gone) so its escalations can still be answered, until the
 * next run starts or the controller is disposed. Free of 'vscode' so it is unit tested.
 */
export class RunController implements Disposable {
  private coordinator: CoordinatorLike | null = null;
  private subscription: Disposable | null = null;
  private cleanup: Disposable[] = [];
  private running = false;
  private eventLog: RunEvent[] = [];
  private stateValue: RunState = initialRunState();
  private readonly onDidEventEmitter = new Emitter<RunEvent>();
  private readonly onDidChangeStateEmitter = new Emitter<RunState>();
  private readonly onDidResetEmitter = new Emitter<RunState>();
  private readonly onDidChangeActiveEmitter = new Emitter<boolean>();
  /** Every event of the current run, as it is journaled. */
  readonly onDidEvent = this.onDidEventEmitter.event;
  readonly onDidChangeState = this.onDidChangeStateEmitter.event;
  /** A new run replaced the previous one: views start over from this state. */
  readonly onDidReset = this.onDidResetEmitter.event;
  readonly onDidChangeActive = this.onDidChangeActiveEmitter.event;

  constructor(private readonly createCoordinator: (options: RunOptions) => CoordinatorLike) {}

  get state(): RunState {
    return this.stateValue;
  }

  /** The current run's events so far (a snapshot for a webview that just opened). */
  get events(): readonly RunEvent[] {
    return this.eventLog;
  }

  get isRunning(): boolean {
    return this.running;
  }

  get runId(): string | null {
    return this.coordinator?.runId ?? null;
  }

  get journalPath(): string | null {
    return this.coordinator?.journalPath ?? null;
  }

  /**
   * Starts a run. `resources` (a simulator, for example) live as long as the run's coordinator: until
   * the next run starts or the controller is disposed. Throws when a run is still active. A resumed
   * run (`options.resume`) passes its journal so far as `history`: views show it whole at once.
   */
  async start(options: RunOptions, resources: Disposable[] = [], history: readonly RunEvent[] = []): Promise<StartedRun> {
    const coordinator = await this.adopt(() => this.createCoordinator(options), resources, history);
    this.setRunning(true);
    this.onDidResetEmitter.fire(this.stateValue);
    this.onDidChangeStateEmitter.fire(this.stateValue);
    const done = this.drive(coordinator);
    return { runId: coordinator.runId, journalPath: coordinator.journalPath, done };
  }

  /**
   * Shows a run that is not running here (reopened from LOOM_HOME) as the current one: its state and
   * events, and its escalations answered through `run`. Throws when a run is still active.
   */
  async show(run: CoordinatorLike, events: readonly RunEvent[]): Promise<void> {
    await this.adopt(() => run, [], events);
    this.stateValue = run.state;
    this.onDidResetEmitter.fire(this.stateValue);
    this.onDidChangeStateEmitter.fire(this.stateValue);
  }

  private async adopt(create: () => CoordinatorLike, resources: Disposable[], history: readonly RunEvent[]): Promise<CoordinatorLike> {
    if (this.running) throw new Error(`Loom run ${this.runId} is already active: stop it first`);
    await this.release();
    const coordinator = create();
    this.coordinator = coordinator;
    this.cleanup = resources;
    this.eventLog = [...history];
    this.stateValue = foldEvents(history);
    this.subscription = coordinator.onDidEvent((event) => {
      this.eventLog.push(event);
      this.stateValue = coordinator.state;
      this.onDidEventEmitter.fire(event);
      this.onDidChangeStateEmitter.fire(this.stateValue);
    });
    return coordinator;
  }

  private async drive(coordinator: CoordinatorLike): Promise<{ state: RunState; error: Error | null }> {
    let error: Error | null = null;
    try {
      await coordinator.run();
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
    }
    // Workers and MCP subprocesses go now; the journal (and the model, for a merge agent) stay for
    // escalation answers until the next run or dispose.
    await coordinator.stop().catch(() => undefined);
    if (this.coordinator === coordinator) {
      this.stateValue = coordinator.state;
      this.setRunning(false);
      this.onDidChangeStateEmitter.fire(this.stateValue);
    }
    return { state: coordinator.state, error };
  }

  async stop(): Promise<boolean> {
    if (!this.coordinator || !this.running) return false;
    await this.coordinator.stop();
    return true;
  }

  async stopAgent(agentId: string): Promise<boolean> {
    if (!this.coordinator || !this.running) return false;
    return this.coordinator.stopAgent(agentId);
  }

  /**
   * Answers an escalation of the current run: an approval while its agent waits, any other once the
   * run has finished (the merge editor goes through startManualMerge).
   */
  async resolveEscalation(escalationId: string, choice: string, by: string): Promise<RunState> {
    if (!this.coordinator) throw new Error('there is no Loom run to resolve an escalation of');
    return this.coordinator.resolveEscalation(escalationId, choice, by);
  }

  /** Checks the conflicted merge out for VS Code's merge editor (a lease of its own, never the user's checkout). */
  async startManualMerge(escalationId: string): Promise<ManualMerge> {
    if (!this.coordinator) throw new Error('there is no Loom run to merge for');
    return this.coordinator.startManualMerge(escalationId);
  }

  /** Lands the merge the person resolved in the merge editor. */
  async completeManualMerge(escalationId: string, by: string): Promise<RunState> {
    if (!this.coordinator) throw new Error('there is no Loom run to merge for');
    return this.coordinator.completeManualMerge(escalationId, by);
  }

  /** Journals a person's decision on a verifier finding of the current run. */
  reviewFinding(taskId: string, index: number, decision: 'accepted' | 'dismissed', by: string): RunState {
    if (!this.coordinator) throw new Error('there is no Loom run to review findings of');
    return this.coordinator.reviewFinding(taskId, index, decision, by);
  }

  private setRunning(value: boolean): void {
    if (this.running === value) return;
    this.running = value;
    this.onDidChangeActiveEmitter.fire(value);
  }

  private async disposeResources(): Promise<void> {
    for (const resource of this.cleanup.splice(0).reverse()) await Promise.resolve(resource.dispose()).catch(() => undefined);
  }

  /** Disposes the previous coordinator (its journal) before a new run; `close` leaves an active run unfinished. */
  private async release(close = false): Promise<void> {
    this.subscription?.dispose();
    this.subscription = null;
    const previous = this.coordinator;
    this.coordinator = null;
    if (previous) await (close && previous.close ? previous.close() : previous.dispose());
    await this.disposeResources();
  }

  /**
   * The extension is deactivated (a window reload or close): everything a run started ends
   * (workers, MCP subprocesses, simulator), and an active run is left unfinished, so the next
   * window finds it interrupted and offers to resume it.
   */
  async dispose(): Promise<void> {
    this.running = false;
    await this.release(true);
    this.onDidEventEmitter.dispose();
    this.onDidChangeStateEmitter.dispose();
    this.onDidResetEmitter.dispose();
    this.onDidChangeActiveEmitter.dispose();
  }
}
