import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { ScenarioSchema, type Scenario } from './scenarioSchema';

/** A scenario that cannot be read or is not valid; the message names the file and every issue. */
export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly string[],
  ) {
    super(`Invalid scenario ${source}:\n${issues.map((i) => `  - ${i}`).join('\n')}\nSee docs/scenarios.md for the format.`);
    this.name = 'ScenarioError';
  }
}

/** Reads and validates a scenario JSON file. */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ScenarioError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(path, [`not valid JSON: ${(error as Error).message}`]);
  }
  return parseScenario(json, path);
}

/** Validates an already-parsed scenario; `source` names it in errors (a path, or "inline"). */
export function parseScenario(value: unknown, source: string): Scenario {
  const result = ScenarioSchema.safeParse(value);
  if (!result.success) throw new ScenarioError(source, result.error.issues.map(formatIssue));
  return result.data;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  return `${formatPath(issue.path)}: ${issue.message}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}
