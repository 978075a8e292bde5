import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { Plan } from '../../protocol/plan';
import type { ModelEndpoint } from '../../protocol/workerMessages';
import type { Disposable } from '../../base/disposable';
import { loadScenario } from '../../engine/simulator/loadScenario';
import { startSimulator } from '../../engine/simulator/simulatorServer';
import { loadMcpConfig } from '../../engine/tools/mcpConfig';
import { loomHome } from '../../engine/run/runPaths';
import { loadPolicyFile } from '../../engine/policy/actionPolicy';
import { readSettings } from '../adapters/settingsReader';
import type { ApiKeyStore } from '../adapters/apiKeyStore';
import { buildRunOptions } from '../run/buildRunOptions';
import type { RunController, StartedRun } from '../run/runController';
import { showRunProgress } from '../run/runProgress';
import { availableChatModels, pickModelSource } from './pickModelSource';
import { LanguageModelProvider } from '../adapters/languageModelProvider';
import type { RunOptions } from '../../engine/run/runOptions';
import { pickSpec } from './pickSpec';
import { planConfirmation } from './planConfirmation';
import { parseStartPlanArgs } from './startPlanArgs';

export interface StartPlanDeps {
  extensionUri: vscode.Uri;
  controller: RunController;
  keys: ApiKeyStore;
  log: vscode.LogOutputChannel;
  setApiKey: () => Promise<boolean>;
  openDashboard: () => void;
}

/**
 * Loom: Start Agent Plan — spec, model, the plan confirmation (first human gate), then the run.
 * Returns { runId, journalPath } once the run started, undefined when cancelled.
 */
export async function startPlanCommand(deps: StartPlanDeps, rawArgs: unknown): Promise<{ runId: string; journalPath: string } | undefined> {
  const { controller, log } = deps;
  const parsed = parseStartPlanArgs(rawArgs);
  if (!parsed.ok) throw new Error(parsed.error);
  const args = parsed.args;
  if (controller.isRunning) {
    // Not awaited: a caller of the command API gets its answer now, not when the notification closes.
    void vscode.window.showWarningMessage(`Loom: run ${controller.runId} is still active.`, 'Open Dashboard', 'Stop Run').then((answer) => {
      if (answer === 'Open Dashboard') deps.openDashboard();
      if (answer === 'Stop Run') void controller.stop();
    });
    return undefined;
  }

  const specPath = args.specPath ?? (await pickSpec(deps.extensionUri))?.fsPath;
  if (!specPath) return undefined;
  const repo = args.repoPath ?? repoFor(specPath);
  if (!repo) {
    void vscode.window.showErrorMessage('Loom: open the repository the spec is about as a workspace folder (or pass repoPath).');
    return undefined;
  }

  const source = args.source === 'simulator' ? { kind: 'simulator' as const } : await pickModelSource(deps.keys, deps.setApiKey);
  if (!source) return undefined;

  const resources: Disposable[] = [];
  let endpoint: ModelEndpoint;
  let hostModel: RunOptions['hostModel'];
  let lmVerifierModel: string | undefined;
  const settings = readSettings(vscode.Uri.file(repo));
  // A policy the user wrote but Loom cannot read is not silently replaced by the defaults.
  if (settings.policyError) throw new Error(settings.policyError);
  if (source.kind === 'simulator') {
    const scenarioPath = args.scenarioPath ?? join(deps.extensionUri.fsPath, 'examples', 'demo', 'scenario.json');
    const simulator = await startSimulator({ scenario: await loadScenario(scenarioPath) });
    resources.push({ dispose: () => simulator.close() });
    endpoint = { baseUrl: simulator.url, model: simulator.scenario.model, apiKey: 'no-key-needed-for-the-simulator', timeoutMs: 30_000, maxRetries: 3, headers: [] };
    log.info(`model simulator (scenario "${simulator.scenario.name}") at ${simulator.url}`);
  } else if (source.kind === 'languageModel') {
    const main = new LanguageModelProvider(source.chat);
    const verifierChat = settings.verifierModel ? (await availableChatModels()).find((m) => m.id === settings.verifierModel || m.family === settings.verifierModel) : undefined;
    const verifier = verifierChat ? new LanguageModelProvider(verifierChat) : main;
    // Workers cannot call the LM API: they relay each call through the coordinator to these providers.
    endpoint = { baseUrl: 'http://127.0.0.1/vscode-language-model', model: main.model, apiKey: '', timeoutMs: 300_000, maxRetries: 2, headers: [], relay: true };
    hostModel = (agent) => (agent.role === 'verifier' ? verifier : main);
    lmVerifierModel = verifierChat ? verifier.model : undefined;
    log.info(`VS Code language model ${main.model}${verifierChat ? `; verifier ${verifier.model}` : ''}`);
  } else {
    endpoint = source.endpoint;
    log.info(`model ${endpoint.model} at ${endpoint.baseUrl}`);
  }
  if (settings.verifierModel && source.kind === 'endpoint') log.info(`verifier model ${settings.verifierModel} at the same endpoint`);

  let planRejected = false;
  try {
    const options = buildRunOptions({
      repo,
      specPath,
      endpoint,
      settings,
      loomHome: loomHome(),
      extensionRoot: deps.extensionUri.fsPath,
      mcpServers: await userMcpServers(repo, log),
      confirmPlan: args.autoConfirm
        ? async () => true
        : async (plan) => {
            const accepted = await confirmPlan(plan);
            if (!accepted) planRejected = true;
            return accepted;
          },
    });
    if (hostModel) options.hostModel = hostModel;
    // The simulator follows its script; a VS Code model is picked per role by hostModel (the name labels it).
    if (source.kind !== 'endpoint') delete options.verifierModel;
    if (lmVerifierModel) options.verifierModel = lmVerifierModel;
    if (source.kind === 'simulator') {
      // The demo scenario is scripted for these limits (as `loom demo` runs it).
      options.maxTurns = 12;
      options.commandAllowlist = ['node'];
      // Its tasks write src/index.js outside their scopes on purpose (the conflict it shows): the
      // demo's policy allows that instead of waiting on approvals (`loom demo` approves them itself).
      options.policy = loadPolicyFile(join(deps.extensionUri.fsPath, 'examples', 'demo', 'policy.json'));
    }
    const started = await controller.start(options, resources);
    log.info(`run ${started.runId} started on ${repo} with spec ${specPath}; journal ${started.journalPath}`);
    follow(deps, started, () => planRejected);
    deps.openDashboard();
    return { runId: started.runId, journalPath: started.journalPath };
  } catch (err) {
    for (const r of resources) await r.dispose();
    throw err;
  }
}

function follow(deps: StartPlanDeps, started: StartedRun, planRejected: () => boolean): void {
  showRunProgress(deps.controller, started.runId, started.done);
  void started.done.then(({ state, error }) => {
    if (planRejected()) {
      deps.log.info(`run ${started.runId}: the plan was not accepted; nothing ran`);
      void vscode.window.showInformationMessage('Loom: plan cancelled; no agent ran.');
      return;
    }
    if (error) {
      deps.log.error(`run ${started.runId} ended with an error: ${error.message}`);
      void vscode.window.showErrorMessage(`Loom: run ${started.runId} could not run: ${error.message}`);
      return;
    }
    deps.log.info(`run ${started.runId} finished: ${state.status}`);
    const open = state.escalations.filter((e) => e.resolution === null).length;
    const text = `Loom: run ${started.runId} ${state.status}${open ? ` — ${open} escalation(s) wait for you` : ''}.`;
    const show = state.status === 'succeeded' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(text, 'Open Dashboard').then((answer) => {
      if (answer) deps.openDashboard();
    });
  });
}

/** The first human gate: the coordinator's plan in a modal, Run or Cancel. */
async function confirmPlan(plan: Plan): Promise<boolean> {
  const { message, detail } = planConfirmation(plan);
  return (await vscode.window.showInformationMessage(message, { modal: true, detail }, 'Run')) === 'Run';
}

/** The workspace folder holding the spec, else the first one. */
function repoFor(specPath: string): string | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(specPath)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.fsPath ?? (existsSync(join(dirname(specPath), '.git')) ? dirname(specPath) : undefined);
}

async function userMcpServers(repo: string, log: vscode.LogOutputChannel) {
  const path = join(repo, '.vscode', 'mcp.json');
  if (!existsSync(path)) return [];
  const loaded = await loadMcpConfig(path);
  for (const warning of loaded.warnings) log.warn(warning);
  log.info(`MCP servers from ${path}: ${loaded.servers.map((s) => s.name).join(', ') || 'none'}`);
  return loaded.servers;
}
