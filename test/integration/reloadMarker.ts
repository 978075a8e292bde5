// What the integration run carries across a real window reload: the extension host that started a run
// writes this file and reloads the window; the tests module runs again in the new extension host, finds
// it, and runs only the part after the reload. It lives beside the demo workspace (removed with it).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';

export interface ReloadMarker {
  runId: string;
  /** The extension host's pid before the reload: the new one must be another process. */
  hostPid: number;
  reloadedAt: number;
  /** Tests that failed before the reload (the first host's mocha never reports its result). */
  failedBefore: string[];
}

function markerPath(): string | null {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return folder ? join(dirname(folder), 'loom-reload-marker.json') : null;
}

export function writeReloadMarker(marker: ReloadMarker): void {
  const path = markerPath();
  if (!path) throw new Error('the reload test needs a workspace folder (runIntegration --workspace)');
  writeFileSync(path, JSON.stringify(marker));
}

export function readReloadMarker(): ReloadMarker | null {
  const path = markerPath();
  if (!path || !existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as ReloadMarker;
}

export function removeReloadMarker(): void {
  const path = markerPath();
  if (path) rmSync(path, { force: true });
}
