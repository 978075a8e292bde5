// What a person does in code-server's workbench, for the UI tests: the command palette, quick picks,
// the simple file dialog (a quick input holding a path), input boxes and notification toasts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from '../../integration/demoWorkspace';

export class Workbench {
  constructor(readonly page: Page) {}

  /** The quick input's text box (palette, quick picks, input boxes, the simple file dialog). */
  quickInputBox(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  quickRow(text: string | RegExp): Locator {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text });
  }

  quickTitle(text: RegExp): Locator {
    return this.page.locator('.quick-input-widget .quick-input-title', { hasText: text });
  }

  /** F1, `>Title`, Enter on the matching row; retried, because the palette can open before the extension registered. */
  async runCommand(title: string): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        await this.page.keyboard.press('Escape');
        await this.page.keyboard.press('F1');
        await this.quickInputBox().waitFor({ state: 'visible', timeout: 5000 });
        await this.quickInputBox().fill(`>${title}`);
        await this.quickRow(title.replace(/^.*?: /, '')).first().waitFor({ state: 'visible', timeout: 5000 });
        await this.page.keyboard.press('Enter');
        return;
      } catch (err) {
        lastError = err;
        await this.page.waitForTimeout(1000);
      }
    }
    throw new Error(`could not run "${title}" from the palette: ${(lastError as Error).message}`);
  }

  /** Waits for a quick pick titled `title` and clicks its row holding `row`. */
  async pick(title: RegExp, row: string | RegExp): Promise<void> {
    await this.quickTitle(title).waitFor({ state: 'visible', timeout: 30_000 });
    await this.quickRow(row).first().click();
  }

  /**
   * In code-server's simple file dialog titled `title`: types `path`, Enter (again when the dialog
   * completed the path instead of accepting it) until `next` is visible.
   */
  async chooseFile(title: RegExp, path: string, next: Locator): Promise<void> {
    const dialog = this.quickTitle(title);
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    for (let attempt = 0; attempt < 4 && !(await next.isVisible()); attempt++) {
      if ((await dialog.isVisible()) && (await this.quickInputBox().inputValue()) !== path) await this.quickInputBox().fill(path);
      await this.page.waitForTimeout(500);
      if (await dialog.isVisible()) await this.page.keyboard.press('Enter');
      await next.waitFor({ state: 'visible', timeout: 4000 }).catch(() => undefined);
    }
    await next.waitFor({ state: 'visible', timeout: 10_000 });
  }

  /** An input box titled `title`: replaces its text with `value` and presses Enter. */
  async answerInput(title: RegExp, value: string): Promise<void> {
    await this.quickTitle(title).waitFor({ state: 'visible', timeout: 15_000 });
    await this.quickInputBox().fill(value);
    await this.page.keyboard.press('Enter');
    await this.quickTitle(title).waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** The notification toast whose text matches. */
  toast(text: string | RegExp): Locator {
    return this.page.locator('.notification-toast', { hasText: text });
  }

  /** Closes every notification toast. */
  async clearToasts(): Promise<void> {
    const close = this.page.locator('.notification-toast .codicon-notifications-clear');
    for (let i = await close.count(); i > 0; i--) await close.first().click({ timeout: 2000 }).catch(() => undefined);
  }
}

/**
 * For a describe whose steps each need the one before: after a failed step, a screenshot
 * (test-results/screenshots/NAME.png) and the steps after it skipped. Call inside the describe.
 */
export function skipAfterFailure(page: () => Page | undefined, name: string, elapsed: () => string): void {
  let failed: string | undefined;
  beforeEach(function () {
    if (failed) this.skip();
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    failed = this.currentTest.title;
    const dir = join(repoRoot, 'test-results', 'screenshots');
    mkdirSync(dir, { recursive: true });
    await page()?.screenshot({ path: join(dir, `${name}.png`) }).catch(() => undefined);
    const quickTitle = (await page()?.locator('.quick-input-widget .quick-input-title').innerText({ timeout: 1000 }).catch(() => '')) ?? '';
    console.log(`[e2e] failed at ${elapsed()}; screenshot test-results/screenshots/${name}.png; quick input: "${quickTitle}"`);
  });
}
