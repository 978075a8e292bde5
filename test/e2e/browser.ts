import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../vscode/runInVsCode';

// One set of Chromium flags for every browser test: the harness's (see test/vscode/runInVsCode.ts).
export const CHROMIUM = chromiumPath;
const ARGS = chromiumArgs;

/** Debian's Chromium, headless, in a fresh profile that is deleted on close. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'loom-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1360, height: 860 },
    deviceScaleFactor: 1,
    colorScheme: 'dark',
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
