import * as vscode from 'vscode';
import type { ModelEndpoint } from '../../protocol/workerMessages';
import { ModelNotConfiguredError, resolveModelEndpoint } from '../../engine/models/modelConfig';
import { hasEndpoint } from '../adapters/loomSettings';
import { readSettings, storeEndpoint } from '../adapters/settingsReader';
import type { ApiKeyStore } from '../adapters/apiKeyStore';

export type ModelSource = { kind: 'endpoint'; endpoint: ModelEndpoint } | { kind: 'simulator' } | { kind: 'languageModel'; chat: vscode.LanguageModelChat };

const configureHelp =
  'Set "loom.model.baseUrl" and "loom.model.name" (any OpenAI-compatible endpoint: OpenAI, Azure, Ollama, vLLM, LM Studio) and store the key with "Loom: Set API Key".';

/**
 * The model for a run: the configured endpoint; with none configured, the choices — the VS Code
 * Language Model API (when a chat model is available), an OpenAI-compatible endpoint, or the simulator.
 */
export async function pickModelSource(keys: ApiKeyStore, setApiKey: () => Promise<boolean>): Promise<ModelSource | undefined> {
  if (hasEndpoint(readSettings())) return configuredEndpoint(keys, setApiKey);
  type Item = vscode.QuickPickItem & { pick: 'lm' | 'endpoint' | 'simulator' };
  const items: Item[] = [];
  const lmModels = await availableChatModels();
  if (lmModels.length) items.push({ pick: 'lm', label: '$(copilot) VS Code Language Model API', description: lmModels.slice(0, 3).map((m) => m.name || m.id).join(', ') });
  items.push({ pick: 'endpoint', label: '$(globe) OpenAI-compatible endpoint…', description: 'OpenAI, Azure, Ollama, vLLM, LM Studio, llama.cpp' });
  items.push({ pick: 'simulator', label: '$(beaker) Simulator (demo scenario)', description: 'replays the bundled demo scenario (examples/demo): no network, no cost' });
  const choice = await vscode.window.showQuickPick(items, { title: 'Loom: no model is configured — which model?', ignoreFocusOut: true });
  if (!choice) return undefined;
  if (choice.pick === 'simulator') return { kind: 'simulator' };
  if (choice.pick === 'lm') {
    const chat = await pickChatModel(lmModels);
    return chat ? { kind: 'languageModel', chat } : undefined;
  }
  const baseUrl = await vscode.window.showInputBox({
    title: 'Loom: base URL of an OpenAI-compatible endpoint',
    placeHolder: 'http://127.0.0.1:11434/v1',
    ignoreFocusOut: true,
    validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? null : 'an http:// or https:// URL'),
  });
  if (!baseUrl) return undefined;
  const model = await vscode.window.showInputBox({ title: 'Loom: model name at that endpoint', placeHolder: 'gpt-4.1-mini, qwen2.5-coder…', ignoreFocusOut: true, validateInput: (v) => (v.trim() ? null : 'a model name') });
  if (!model) return undefined;
  await storeEndpoint(baseUrl.trim(), model.trim());
  return configuredEndpoint(keys, setApiKey);
}

async function configuredEndpoint(keys: ApiKeyStore, setApiKey: () => Promise<boolean>): Promise<ModelSource | undefined> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const settings = readSettings();
    const key = await keys.get();
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
      const answer = await vscode.window.showErrorMessage(`Loom: the model endpoint is not usable: ${problems}.`, { detail: configureHelp }, ...(needsKey ? ['Set API Key'] : ['Open Settings']));
      if (answer === 'Set API Key' && (await setApiKey())) continue;
      if (answer === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'loom.model');
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
