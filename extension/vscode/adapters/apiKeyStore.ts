import * as vscode from 'vscode';

const KEY = 'loom.apiKey';

/** The model endpoint's API key in SecretStorage. The key itself is never logged. */
export class ApiKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(): Promise<string | undefined> {
    const value = await this.secrets.get(KEY);
    return value && value.trim() ? value : undefined;
  }

  async set(value: string): Promise<void> {
    await this.secrets.store(KEY, value.trim());
  }

  async delete(): Promise<void> {
    await this.secrets.delete(KEY);
  }
}
