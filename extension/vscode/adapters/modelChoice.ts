import { isAbsolute, relative } from 'node:path';
import { z } from 'zod';

/**
 * The model a person chose for this workspace ("Loom: Choose Model…"), kept in the workspace state
 * (VS Code's storage, never a file in the repository). An endpoint's URL and model name live in the
 * user settings; this only records which source to use.
 */
export const ModelChoice = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('endpoint') }).strict(),
  /** No scenarioPath: the bundled demo scenario. */
  z.object({ kind: z.literal('simulator'), scenarioPath: z.string().min(1).optional() }).strict(),
  z.object({ kind: z.literal('languageModel'), id: z.string().min(1) }).strict(),
]);
export type ModelChoice = z.infer<typeof ModelChoice>;

/** The part of vscode.Memento this needs (so it is testable without VS Code). */
export interface ChoiceState {
  get(key: string): unknown;
  update(key: string, value: unknown): Thenable<void>;
}

const KEY = 'loom.modelChoice';

/** The remembered choice; nothing when none was made or what is stored is not a choice (an older format). */
export function rememberedChoice(state: ChoiceState): ModelChoice | undefined {
  const parsed = ModelChoice.safeParse(state.get(KEY));
  return parsed.success ? parsed.data : undefined;
}

export async function rememberChoice(state: ChoiceState, choice: ModelChoice): Promise<void> {
  await state.update(KEY, choice);
}

/** Whether a scenario file is one of the bundled demo's (examples/demo/ inside the extension). */
export function isDemoScenario(demoFolder: string, scenarioPath: string | undefined): boolean {
  if (scenarioPath === undefined) return true;
  const rel = relative(demoFolder, scenarioPath);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
