import type { RunSummary } from '../../protocol/runSummary';
import { listRuns, type CatalogCache } from '../../engine/run/runCatalog';
import { Emitter } from '../../base/emitter';
import type { Disposable } from '../../base/disposable';
import type { RunController } from './runController';

/**
 * The runs under LOOM_HOME as the sidebar and the dashboard list them (the engine's run catalogue),
 * read again when the current run starts, ends or is replaced, and on request. Free of 'vscode'.
 */
export class PastRuns implements Disposable {
  private runsValue: RunSummary[] = [];
  /** Journals that did not change since the last listing are not read again. */
  private readonly cache: CatalogCache = new Map();
  private readonly onDidChangeEmitter = new Emitter<readonly RunSummary[]>();
  readonly onDidChange = this.onDidChangeEmitter.event;
  private readonly subscriptions: Disposable[];

  constructor(
    private readonly home: string,
    controller: Pick<RunController, 'onDidReset' | 'onDidChangeActive'>,
  ) {
    this.subscriptions = [controller.onDidReset(() => this.refresh()), controller.onDidChangeActive(() => this.refresh())];
    this.refresh();
  }

  get loomHome(): string {
    return this.home;
  }

  get runs(): readonly RunSummary[] {
    return this.runsValue;
  }

  refresh(): readonly RunSummary[] {
    this.runsValue = listRuns(this.home, Date.now(), this.cache);
    this.onDidChangeEmitter.fire(this.runsValue);
    return this.runsValue;
  }

  find(runId: string): RunSummary | undefined {
    return this.runsValue.find((r) => r.runId === runId);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.onDidChangeEmitter.dispose();
  }
}

/** A run whose journal has no end, or that was stopped, can continue: `loom resume` and Resume Run. */
export function isResumable(run: Pick<RunSummary, 'status'>): boolean {
  return run.status === 'interrupted' || run.status === 'stopped';
}
