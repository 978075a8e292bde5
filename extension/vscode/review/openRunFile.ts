import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { RunState } from '../../protocol/runState';
import { confinePath } from './confinePath';
import { placeOfFinding, type FindingPlace } from './findingDiagnostics';
import { gitFindingSources } from './findingSources';
import { placeUri } from './findingsController';
import type { TaskLease } from './taskLeases';

/**
 * A file link from the dashboard (a finding, a conflict, the spec): a finding's file opens where the
 * Problems panel shows it (the user's checkout at the line carried through the diff, or the task
 * branch's copy); any other path opens when it exists. Never an editor for a file that is not there.
 */
export async function openRunFile(state: RunState, leases: ReadonlyMap<string, TaskLease>, path: string, line: number | undefined): Promise<void> {
  const placed = await placeOfFinding(state, leases, gitFindingSources, path, line);
  if (placed) return show(placed.place, placed.line);
  const roots = [state.repo, ...[...leases.values()].filter((l) => l.present).map((l) => l.path)].filter((r): r is string => !!r);
  const file = confinePath(path, roots);
  if (!file) throw new Error(`${path} is outside the run's repository and worktrees`);
  const isFile = await stat(file).then((s) => s.isFile(), () => false);
  if (!isFile) throw new Error(`${path} does not exist in your checkout`);
  return show({ kind: 'checkout', path: file }, Math.max(0, (line ?? 1) - 1));
}

async function show(place: FindingPlace, line: number): Promise<void> {
  const uri = placeUri(place);
  const position = new vscode.Position(line, 0);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position) });
}
