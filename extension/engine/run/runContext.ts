import type { EventBody, RunEvent } from '../../protocol/events';
import type { Spec } from '../../protocol/spec';
import type { RunOptions } from './runOptions';
import type { RunPaths } from './runPaths';
import type { AgentLauncher } from './agentLauncher';
import type { ApprovalBroker } from './approvalBroker';
import type { ActionPolicy } from '../../protocol/policy';
import type { RunSandbox } from './agentConfinement';
import type { PriceTable } from '../../protocol/pricing';
import type { ConflictWatch } from './conflictWatch';
import type { IntegrationPreview } from './integrationPreview';

/** What the phases of one run share. Built once by the coordinator. */
export interface RunContext {
  runId: string;
  options: RunOptions;
  paths: RunPaths;
  spec: Spec;
  baseCommit: string;
  launcher: AgentLauncher;
  /** What confines this run's agent-side processes. */
  sandbox: RunSandbox;
  journal: (body: EventBody) => RunEvent;
  signal: AbortSignal;
  /** The run's effective action policy (runPolicy). */
  policy: ActionPolicy;
  /** Approval escalations: agents' requests wait here for a person. */
  approvals: ApprovalBroker;
  /** The repository's setup recipe (shell text), run once in each lease and verifier checkout; null: none. */
  setup: string | null;
  /** The prices this run's costs and dollar budgets use. */
  prices: PriceTable;
  /** Continuous conflict prediction between the tasks in flight (docs/conflicts.md); absent: none. */
  conflicts?: ConflictWatch;
  /** The integration's checks run ahead while the last verdict is out (executeAndIntegrate); absent: none. */
  integrationPreview?: IntegrationPreview;
}
