import * as vscode from 'vscode';
import type { ModelEndpoint } from '../../protocol/workerMessages';
import { ModelNotConfiguredError, resolveModelEndpoint } from '../../engine/models/modelConfig';
import { hasEndpoint } from '../adapters/loomSettings';
import { readSettings, storeEndpoint } from '../adapters/settingsReader';
import type { ApiKeyStore } from '../adapters/apiKeyStore';
import { rememberChoice, rememberedChoice, type ChoiceState, type ModelChoice } from '../adapters/modelChoice';
import { pickScenarioFile } from './pickScenario';

/** The simulator's scenarioPath: none means the bundled demo scenario. */
export type ModelSource =
  | { kind: 'endpoint'; endpoint: ModelEndpoint }
  | { kind: 'simulator'; scenarioPath?: string }
  | { kind: 'languageModel'; chat: vscode.LanguageModelChat };

export interface ModelSourceDeps {
  keys: ApiKeyStore;
  setApiKey: () => Promise<boolean>;
  /** The workspace state: the choice is remembered there, not in a settings file of the repository. */
  state: ChoiceState;
}

const configureHelp =
  'Set "loom.model.baseUrl" and "loom.model.name" (any OpenAI-compatible endpoint: OpenAI, Azure, Ollama, vLLM, LM Studio) and store the key with "Loom: Set API Key".';

/**
 * The model for a run: the one chosen for this workspace ("Loom: Choose Model…"), else the endpoint
 * in the settings, else the picker.
 */
export async function modelSourceForRun(deps: ModelSourceDeps): Promise<ModelSource | undefined> {
  const remembered = rememberedChoice(deps.state);
  if (remembered) {
    const source = await sourceOf(deps, remembered);
    if (source !== 'unavailable') return source;
  } else if (hasEndpoint(readSettings())) {
    return configuredEndpoint(deps);
  }
  return chooseModel(deps);
}

/** The model a command-API caller named (`source`, `scenarioPath`), else the one for this workspace. */
export async function modelSourceFor(deps: ModelSourceDeps, args: { source?: 'simulator' | 'settings'; scenarioPath?: string }): Promise<ModelSource | undefined> {
  if (args.source === 'simulator') return { kind: 'simulator', scenarioPath: args.scenarioPath };
  if (args.source === 'settings') return configuredEndpoint(deps);
  return modelSourceForRun(deps);
}

/**
 * Loom: Choose Model… — always the picker: the VS Code Language Model API (when a chat model is
 * available), an OpenAI-compatible endpoint (kept in the user settings), the simulator with the
 * demo scenario or a scenario file of the person's. The choice is remembered for this workspace.
 */
export async function chooseModel(deps: ModelSourceDeps): Promise<ModelSource | undefined> {
  type Item = vscode.QuickPickItem & { pick: 'lm' | 'endpoint' | 'demo' | 'scenario' };
  const settings = readSettings();
  const remembered = rememberedChoice(deps.state);
  const rememberedScenario = remembered?.kind === 'simulator' ? remembered.scenarioPath : undefined;
  const items: Item[] = [];
  const lmModels = await availableChatModels();
  if (lmModels.length) items.push({ pick: 'lm', label: '$(copilot) VS Code Language Model API', description: lmModels.slice(0, 3).map((m) => m.name || m.id).join(', ') });
  items.push({
    pick: 'endpoint',
    label: '$(globe) OpenAI-compatible endpoint…',
    description: hasEndpoint(settings) ? `${settings.model} at ${settings.baseUrl}` : 'OpenAI, Azure, Ollama, vLLM, LM Studio, llama.cpp',
  });
  items.push({ pick: 'demo', label: '$(beaker) Simulator (demo scenario)', description: 'replays the bundled demo scenario (examples/demo): no network, no cost' });
  items.push({
    pick: 'scenario',
    label: '$(beaker) Simulator: scenario file…',
    description: rememberedScenario ? vscode.workspace.asRelativePath(rememberedScenario) : 'your own scripted replies (docs/scenarios.md)',
  });
  const title = hasEndpoint(settings) || remembered ? 'Loom: which model?' : 'Loom: no model is configured — which model?';
  const choice = await vscode.window.showQuickPick(items, { title, placeHolder: 'Remembered for this workspace; "Loom: Choose Model…" changes it', ignoreFocusOut: true });
  if (!choice) return undefined;
  if (choice.pick === 'demo') return remember(deps, { kind: 'simulator' }, { kind: 'simulator' });
  if (choice.pick === 'scenario') {
    const scenarioPath = await pickScenarioFile(rememberedScenario);
    return scenarioPath ? remember(deps, { kind: 'simulator', scenarioPath }, { kind: 'simulator', scenarioPath }) : undefined;
  }
  if (choice.pick === 'lm') {
    const chat = await pickChatModel(lmModels);
    return chat ? remember(deps, { kind: 'languageModel', id: chat.id }, { kind: 'languageModel', chat }) : undefined;
  }
  if (!(await askEndpoint(settings.baseUrl, settings.model))) return undefined;
  const source = await configuredEndpoint(deps);
  return source ? remember(deps, { kind: 'endpoint' }, source) : undefined;
}

async function remember(deps: ModelSourceDeps, choice: ModelChoice, source: ModelSource): Promise<ModelSource> {
  await rememberChoice(deps.state, choice);
  return source;
}

/** The source a remembered choice stands for; 'unavailable' when its language model is gone. */
async function sourceOf(deps: ModelSourceDeps, choice: ModelChoice): Promise<ModelSource | 'unavailable' | undefined> {
  switch (choice.kind) {
    case 'simulator':
      return { kind: 'simulator', scenarioPath: choice.scenarioPath };
    case 'endpoint':
      return configuredEndpoint(deps);
    case 'languageModel': {
      const chat = (await availableChatModels()).find((m) => m.id === choice.id);
      return chat ? { kind: 'languageModel', chat } : 'unavailable';
    }
  }
}

/** Base URL and model name, prefilled with the current ones, into the user settings. False when cancelled. */
async function askEndpoint(currentUrl: string, currentModel: string): Promise<boolean> {
  const baseUrl = await vscode.window.showInputBox({
    title: 'Loom: base URL of an OpenAI-compatible endpoint',
    placeHolder: 'http://127.0.0.1:11434/v1',
    value: currentUrl,
    ignoreFocusOut: true,
    validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? null : 'an http:// or https:// URL'),
  });
  if (!baseUrl) return false;
  const model = await vscode.window.showInputBox({
    title: 'Loom: model name at that endpoint',
    placeHolder: 'gpt-4.1-mini, qwen2.5-coder…',
    value: currentModel,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? null : 'a model name'),
  });
  if (!model) return false;
  const overridden = await storeEndpoint(baseUrl.trim(), model.trim());
  if (overridden.length) {
    const answer = await vscode.window.showWarningMessage(
      `Loom: saved in your user settings, but this workspace's settings also set ${overridden.join(' and ')}, and they win here.`,
      'Open Workspace Settings',
    );
    if (answer) void vscode.commands.executeCommand('workbench.action.openWorkspaceSettings', 'loom.model');
  }
  return true;
}

/** The endpoint in the settings (the command API's `source: 'settings'`), whatever was chosen for the workspace. */
export async function configuredEndpoint(deps: ModelSourceDeps): Promise<ModelSource | undefined> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const settings = readSettings();
    const key = await deps.keys.get();
    try {
      const endpoint = resolveModelEndpoint({
        flags: { baseUrl: settings.baseUrl, model: settings.model },
        env: { LOOM_API_KEY: key ?? process.env.LOOM_API_KEY, OPENAI_API_KEY: process.env.OPENAI_API_KEY },
      });
      return { kind: 'endpoint', endpoint };
    } catch (err) {
      if (!(err instanceof ModelNotConfiguredError)) throw err;
      const problems = err.problems.join('; ');
      const needsKey = err.problems.some((p) => p.startsWith('no API key'));
      const answer = await vscode.window.showErrorMessage(`Loom: the model endpoint is not usable: ${problems}.`, { detail: configureHelp }, ...(needsKey ? ['Set API Key'] : ['Choose Model…']));
      if (answer === 'Set API Key' && (await deps.setApiKey())) continue;
      if (answer === 'Choose Model…') void vscode.commands.executeCommand('loom.chooseModel');
      return undefined;
    }
  }
  return undefined;
}

/** Chat models VS Code offers (Copilot and others); none when the API is unavailable or slow to answer. */
export async function availableChatModels(): Promise<vscode.LanguageModelChat[]> {
  try {
    return await Promise.race([vscode.lm.selectChatModels(), new Promise<vscode.LanguageModelChat[]>((resolve) => setTimeout(() => resolve([]), 3000))]);
  } catch {
    return [];
  }
}

async function pickChatModel(models: vscode.LanguageModelChat[]): Promise<vscode.LanguageModelChat | undefined> {
  if (models.length === 1) return models[0];
  const pick = await vscode.window.showQuickPick(
    models.map((m) => ({ label: m.name || m.id, description: `${m.vendor} · ${m.family} · ${m.maxInputTokens} input tokens`, model: m })),
    { title: 'Loom: which language model?', ignoreFocusOut: true },
  );
  return pick?.model;
}
