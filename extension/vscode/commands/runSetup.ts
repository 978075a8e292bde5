import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Plan } from '../../protocol/plan';
import type { ModelEndpoint } from '../../protocol/workerMessages';
import type { Disposable } from '../../base/disposable';
import { loadScenario, ScenarioError } from '../../engine/simulator/loadScenario';
import { startSimulator } from '../../engine/simulator/simulatorServer';
import { loadMcpConfig } from '../../engine/tools/mcpConfig';
import { loomHome } from '../../engine/run/runPaths';
import { loadPolicyFile } from '../../engine/policy/actionPolicy';
import type { RunOptions } from '../../engine/run/runOptions';
import { readSettings } from '../adapters/settingsReader';
import { LanguageModelProvider } from '../adapters/languageModelProvider';
import { buildRunOptions } from '../run/buildRunOptions';
import { isDemoScenario } from '../adapters/modelChoice';
import { availableChatModels, type ModelSource } from './pickModelSource';
import { scenarioProblem } from './pickScenario';

export interface RunSetupInput {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  repo: string;
  specPath: string;
  source: ModelSource;
  confirmPlan?: (plan: Plan) => Promise<boolean>;
}

/**
 * The engine's options for a run in this window, on the chosen model: settings, the user's MCP
 * servers, and for the simulator the scenario it serves. `resources` (the simulator) live as long as
 * the run. Used by Start Agent Plan and by Resume Run, so a resumed run runs as a started one does.
 */
export async function prepareRun(input: RunSetupInput): Promise<{ options: RunOptions; resources: Disposable[] }> {
  const { source, log, repo } = input;
  const resources: Disposable[] = [];
  let endpoint: ModelEndpoint;
  let hostModel: RunOptions['hostModel'];
  let lmVerifierModel: string | undefined;
  const settings = readSettings(vscode.Uri.file(repo));
  // A policy the user wrote but Loom cannot read is not silently replaced by the defaults.
  if (settings.policyError) throw new Error(settings.policyError);
  try {
    if (source.kind === 'simulator') {
      const scenarioPath = source.scenarioPath ?? join(demoFolder(input.extensionUri), 'scenario.json');
      const simulator = await startSimulator({ scenario: await readScenario(scenarioPath) });
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

    const options = buildRunOptions({
      repo,
      specPath: input.specPath,
      endpoint,
      settings,
      loomHome: loomHome(),
      extensionRoot: input.extensionUri.fsPath,
      mcpServers: await userMcpServers(repo, log),
      confirmPlan: input.confirmPlan,
    });
    if (hostModel) options.hostModel = hostModel;
    // The simulator follows its script; a VS Code model is picked per role by hostModel (the name labels it).
    if (source.kind !== 'endpoint') delete options.verifierModel;
    if (lmVerifierModel) options.verifierModel = lmVerifierModel;
    if (source.kind === 'simulator' && isDemoScenario(demoFolder(input.extensionUri), source.scenarioPath)) {
      // The demo scenarios are scripted for these limits (as `loom demo` runs them); a scenario of
      // the person's runs with their settings, as `loom run --simulate` does.
      options.maxTurns = 12;
      options.commandAllowlist = ['node'];
      // Its tasks write src/index.js outside their scopes on purpose (the conflict it shows): the
      // demo's policy allows that instead of waiting on approvals (`loom demo` approves them itself).
      options.policy = loadPolicyFile(join(input.extensionUri.fsPath, 'examples', 'demo', 'policy.json'));
    }
    return { options, resources };
  } catch (err) {
    for (const r of resources) await r.dispose();
    throw err;
  }
}

function demoFolder(extensionUri: vscode.Uri): string {
  return join(extensionUri.fsPath, 'examples', 'demo');
}

/** The scenario, or an error that says in one line what is wrong with the file and how to pick another. */
async function readScenario(path: string) {
  try {
    return await loadScenario(path);
  } catch (err) {
    if (err instanceof ScenarioError) throw new Error(`${scenarioProblem(err)} "Loom: Choose Model…" picks another.`);
    throw err;
  }
}

async function userMcpServers(repo: string, log: vscode.LogOutputChannel) {
  const path = join(repo, '.vscode', 'mcp.json');
  if (!existsSync(path)) return [];
  const loaded = await loadMcpConfig(path);
  for (const warning of loaded.warnings) log.warn(warning);
  log.info(`MCP servers from ${path}: ${loaded.servers.map((s) => s.name).join(', ') || 'none'}`);
  return loaded.servers;
}
