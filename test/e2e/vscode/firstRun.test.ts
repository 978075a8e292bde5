// A newcomer's first hour in a real VS Code (code-server + headless Chromium), on a small repository
// that is not the demo, in one workbench session:
//   (a) an endpoint that does not answer: the notification names the cause and the URL, and "Show
//       Details" opens the Loom log with it;
//   (b) "Loom: Choose Model…" → an OpenAI-compatible endpoint: it goes to the user settings, nothing
//       is written into the repository;
//   (c) the simulator with the person's own scenario file: a bad file is refused with what is wrong,
//       a good one is remembered, and "Start Agent Plan" (spec found in the workspace) plans and runs
//       the scenario's task on this repository;
//   (d) the walkthrough opens with its steps; after (a)–(c) its model and Start Agent Plan steps are
//       done; its "Open the Demo Repository" (Loom: Try the Demo) opens a new window on a committed
//       copy of the demo with its SPEC.md (planning the demo itself is startPlan.test.ts);
//   (e) the run's result: Clean Up Run keeps its integration branch, and Merge Result into My Branch
//       refuses a dirty tree, then fast-forwards main.
//
//   bash test/vscode/install.sh && npm run build
//   npx mocha --no-config --node-option import=tsx --timeout 300000 test/e2e/vscode/firstRun.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../browser';
import { CodeServer } from '../../vscode/codeServer';
import { branches, repoRoot, showFile } from '../../integration/demoWorkspace';
import { skipAfterFailure, Workbench } from './workbench';

const UNREACHABLE = 'http://127.0.0.1:9/v1';

const files: Record<string, string> = {
  'src/greet.js': "module.exports = { greet: () => '' };\n",
  'test/greet.test.js':
    "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { greet } = require('../src/greet.js');\ntest('greet', () => assert.equal(greet('Ada'), 'Hello, Ada!'));\n",
  'SPEC.md': "# greeter\n\n## R1: greet by name\n\n`greet(name)` returns `Hello, <name>!`.\n\nAcceptance:\n- `greet('Ada')` is `Hello, Ada!` (test `test/greet.test.js`)\n",
};

const plan = {
  tasks: [
    {
      id: 'add-greet',
      title: 'Greet by name',
      instructions: "Make greet(name) in src/greet.js return 'Hello, <name>!', as R1 says.",
      requirementIds: ['R1'],
      fileScope: ['src/greet.js'],
      acceptance: [{ kind: 'failToPass', command: ['node', '--test', 'test/greet.test.js'], testFiles: ['test/greet.test.js'], testsBy: 'spec' }],
      coverage: [{ requirementId: 'R1', criterion: "`greet('Ada')` is `Hello, Ada!` (test `test/greet.test.js`)", shownBy: "test/greet.test.js asserts greet('Ada') is 'Hello, Ada!'" }],
    },
  ],
};

/** The person's own scenario (docs/scenarios.md): one task, implemented and verified. */
const scenario = {
  name: 'greeter',
  agents: [
    { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
    {
      match: { role: 'implementor', task: 'add-greet' },
      turns: [
        { toolCalls: [{ name: 'write_file', arguments: { path: 'src/greet.js', content: 'module.exports = { greet: (name) => `Hello, ${name}!` };\n' } }] },
        { content: 'done', toolCalls: [{ name: 'report_result', arguments: { status: 'done', summary: 'greet says hello.', filesChanged: ['src/greet.js'], testsRun: [] } }] },
      ],
    },
    { match: { role: 'verifier' }, turns: [{ content: '{"verdict":"pass","findings":[]}' }] },
  ],
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A fresh repository of the person's (not the demo), its spec committed; the scenarios beside it, outside it. */
function createGreeterRepo(): { repo: string; scenarioPath: string; badScenarioPath: string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'loom-first-run-')));
  const repo = join(root, 'greeter');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, '-c', 'user.name=Test', '-c', 'user.email=test@loom.invalid', 'commit', '-q', '--no-gpg-sign', '-m', 'greeter: a spec and a failing test');
  const scenarioPath = join(root, 'greeter-scenario.json');
  writeFileSync(scenarioPath, JSON.stringify(scenario, null, 1));
  const badScenarioPath = join(root, 'typo-scenario.json');
  writeFileSync(badScenarioPath, JSON.stringify({ name: 'typo', agents: [{ match: { role: 'coordinator' }, turn: [] }] }));
  return { repo, scenarioPath, badScenarioPath };
}

describe('Loom in VS Code (code-server + Chromium): a first run on a repository of your own', function () {
  this.timeout(300_000);
  let server: CodeServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let wb: Workbench;
  let repo: string;
  let scenarioPath: string;
  let badScenarioPath: string;
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  const userSettings = () => readFileSync(join(server.stateDir, 'user-data', 'User', 'settings.json'), 'utf8');
  /** Nothing Loom did is in the working tree: no change, no new file, no .vscode/settings.json. */
  const assertCheckoutUntouched = () => {
    assert.equal(git(repo, 'status', '--porcelain', '--untracked-files=all'), '');
    assert.ok(!existsSync(join(repo, '.vscode')), 'no .vscode folder in the repository');
  };

  before(async () => {
    ({ repo, scenarioPath, badScenarioPath } = createGreeterRepo());
    server = await CodeServer.start({ settings: { 'loom.model.baseUrl': UNREACHABLE, 'loom.model.name': 'some-model' } });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    wb = new Workbench(page);
  });

  after(async () => {
    await browser?.close();
    await server?.dispose();
    if (repo) rmSync(dirname(repo), { recursive: true, force: true });
    console.log(`[e2e] total ${elapsed()}`);
  });

  skipAfterFailure(() => page, 'vscode-first-run-failure', elapsed);

  /** Start Agent Plan up to the model: the spec is SPEC.md, found in the workspace (not through a file dialog). */
  async function startPlanOnSpec(): Promise<void> {
    await wb.runCommand('Loom: Start Agent Plan');
    await wb.quickTitle(/which spec/i).waitFor({ state: 'visible', timeout: 30_000 });
    const found = wb.quickRow('SPEC.md');
    await found.first().waitFor({ state: 'visible', timeout: 10_000 });
    await found.first().click();
  }

  /**
   * Opens Loom's walkthrough from the Agents view's "Get started" link or the palette; returns each
   * step as `id=done` (VS Code marks a done step's button aria-checked).
   */
  async function openWalkthrough(via: 'sidebar' | 'palette'): Promise<string[]> {
    if (via === 'sidebar') {
      await page.locator('.part.sidebar a', { hasText: /^Get started$/ }).click({ timeout: 15_000 });
    } else {
      await wb.runCommand('Welcome: Open Walkthrough...');
      await wb.quickRow(/Get started with Loom/).first().click({ timeout: 15_000 });
    }
    // The walkthrough's own slide (the Welcome page's list of walkthroughs is another slide of the same editor).
    const walkthrough = page.locator('.gettingStartedSlideDetails').filter({ hasText: 'Get started with Loom' });
    await walkthrough.waitFor({ state: 'visible', timeout: 15_000 });
    return walkthrough
      .locator('button.getting-started-step')
      .evaluateAll((els) => els.map((e) => `${(e.getAttribute('data-step-id') ?? '').replace(/^.*#/, '')}=${e.getAttribute('aria-checked')}`));
  }

  it('opens the workbench on the repository with the Loom activity-bar item', async () => {
    await page.goto(server.workbenchUrl({ folder: repo, extensionDevelopmentPath: repoRoot }));
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    const loomItem = page.locator('.part.activitybar [aria-label^="Loom"]').first();
    await loomItem.waitFor({ state: 'visible', timeout: 60_000 });
    await loomItem.click();
    await page.locator('.part.sidebar', { hasText: /agents/i }).waitFor({ state: 'visible', timeout: 30_000 });
    console.log(`[e2e] workbench at ${elapsed()}`);
  });

  it('(d) the walkthrough opens from the Agents view\'s "New to Loom? Get started" with its steps, none done yet', async () => {
    const steps = await openWalkthrough('sidebar');
    assert.deepEqual(steps, ['meet=false', 'demo=false', 'model=false', 'spec=false', 'run=false', 'watch=false', 'review=false']);
    const walkthrough = page.locator('.gettingStartedSlideDetails');
    for (const title of ['Meet Loom', 'Get a repository to try it on', 'Choose a model, or the simulator', 'Start Agent Plan', 'Review findings and conflicts']) {
      await walkthrough.getByText(title, { exact: true }).first().waitFor({ state: 'visible', timeout: 5000 });
    }
    console.log(`[e2e] walkthrough at ${elapsed()}`);
  });

  it('(a) an endpoint that does not answer: the notification says so with its URL and what to do; Show Details opens the log', async () => {
    await startPlanOnSpec();
    const toast = wb.toast(/127\.0\.0\.1:9/);
    await toast.waitFor({ state: 'visible', timeout: 60_000 });
    const text = await toast.innerText();
    console.log(`[e2e] (a) at ${elapsed()}: ${text.replace(/\s+/g, ' ')}`);
    assert.match(text, /Cause: .*127\.0\.0\.1:9\/v1/);
    assert.match(text, /Next: /);
    assert.doesNotMatch(text, /^\s+at /m, 'no stack trace');
    // The output view renders spaces as no-break spaces: \s matches both.
    const log = page.locator('.part.panel .view-lines').filter({ hasText: /ended:\s+Run/ }).first();
    // A click while the toast is still being laid out can be lost: click again while it is there.
    for (let attempt = 0; attempt < 3 && !(await log.isVisible()); attempt++) {
      await toast.locator('.monaco-button', { hasText: 'Show Details' }).click({ timeout: 5000 }).catch(() => undefined);
      await log.waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
    }
    await log.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await log.innerText(), /cause:\s[^\n]*127\.0\.0\.1:9\/v1/);
    assertCheckoutUntouched();
  });

  it('(b) "Loom: Choose Model…" → OpenAI-compatible endpoint: kept in the user settings, nothing written into the repository', async () => {
    await wb.clearToasts();
    await wb.runCommand('Loom: Choose Model…');
    await wb.pick(/which model/i, 'OpenAI-compatible endpoint');
    await wb.answerInput(/base URL/i, 'http://127.0.0.1:11434/v1');
    await wb.answerInput(/model name/i, 'qwen2.5-coder');
    await wb.toast(/use qwen2\.5-coder at http:\/\/127\.0\.0\.1:11434\/v1/).waitFor({ state: 'visible', timeout: 15_000 });
    assertCheckoutUntouched();
    assert.match(userSettings(), /"loom\.model\.baseUrl": "http:\/\/127\.0\.0\.1:11434\/v1"/);
    assert.match(userSettings(), /"loom\.model\.name": "qwen2\.5-coder"/);
    console.log(`[e2e] (b) at ${elapsed()}`);
  });

  it('(c) a scenario file of the person\'s: a bad one is refused with what is wrong; a good one plans and runs this repository\'s task', async () => {
    await wb.clearToasts();
    await wb.runCommand('Loom: Choose Model…');
    await wb.pick(/which model/i, 'Simulator: scenario file');
    const refused = wb.toast(/typo-scenario\.json is not a usable scenario/);
    await wb.chooseFile(/choose a simulator scenario/i, badScenarioPath, refused);
    const refusal = await refused.innerText();
    assert.match(refusal, /agents\[0\]/, refusal);
    assert.doesNotMatch(refusal, /^\s+at /m, 'no stack trace');

    await wb.clearToasts();
    await wb.runCommand('Loom: Choose Model…');
    await wb.pick(/which model/i, 'Simulator: scenario file');
    await wb.chooseFile(/choose a simulator scenario/i, scenarioPath, wb.toast(/will replay scenario "greeter"/));

    // The choice is remembered: Start Agent Plan goes from the spec straight to the plan.
    await startPlanOnSpec();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 60_000 });
    const planText = await dialog.innerText();
    assert.match(planText, /run this plan of 1 task\?/i);
    assert.match(planText, /add-greet: Greet by name/);
    assert.doesNotMatch(planText, /add-multiply|fix-sum/, 'not the demo\'s plan');
    await dialog.locator('.monaco-button', { hasText: /^Run$/ }).click();
    const ended = wb.toast(/Run \S+ (succeeded|failed|needs you|stopped)/);
    await ended.waitFor({ state: 'visible', timeout: 180_000 });
    const outcome = (await ended.innerText()).replace(/\s+/g, ' ');
    console.log(`[e2e] (c) at ${elapsed()}: ${outcome}`);
    assert.match(outcome, /Run \S+ succeeded: 1 of 1 task merged/);
    const [integration] = branches(repo, 'loom/*/integration');
    assert.ok(integration, 'the run has an integration branch');
    assert.match(showFile(repo, integration, 'src/greet.js'), /Hello, \$\{name\}!/);
    assertCheckoutUntouched();
  });

  it('(d) the walkthrough, from "Welcome: Open Walkthrough…", marks the steps done that the person did: choosing a model, starting a plan', async () => {
    await wb.clearToasts();
    const steps = await openWalkthrough('palette');
    assert.ok(steps.includes('model=true'), `the model step is done: ${steps.join(', ')}`);
    assert.ok(steps.includes('run=true'), `the Start Agent Plan step is done: ${steps.join(', ')}`);
    assert.ok(steps.includes('demo=false'), `the demo step is not: ${steps.join(', ')}`);
    console.log(`[e2e] (d) at ${elapsed()}`);
  });

  it('the walkthrough\'s "Open the Demo Repository" (Loom: Try the Demo) makes a committed copy of the demo with its SPEC.md in a temp folder and opens it', async () => {
    const opened = browser.context.waitForEvent('page', { timeout: 30_000 }).catch(() => null);
    await wb.runCommand('Loom: Try the Demo');
    // The extension host's TMPDIR is the code-server state's tmp/: the copy is there, not near the person's repository.
    const tmp = join(server.stateDir, 'tmp');
    let folder: string | undefined;
    for (let i = 0; i < 60 && !folder; i++) {
      folder = readdirSync(tmp).filter((d) => d.startsWith('loom-demo-')).map((d) => join(tmp, d, 'mathlib')).find((d) => existsSync(join(d, 'SPEC.md')));
      if (!folder) await page.waitForTimeout(500);
    }
    assert.ok(folder, `a demo copy in ${tmp}`);
    const demo = await opened;
    console.log(`[e2e] demo copy ${folder} at ${elapsed()}; ${demo ? `new window on ${new URL(demo.url()).searchParams.get('folder')}` : 'no new window seen'}`);
    if (demo) {
      assert.equal(new URL(demo.url()).searchParams.get('folder'), folder, 'the new window is on the copy');
      await demo.close();
    }
    // Wait for the last commit (SPEC.md) before reading the copy.
    for (let i = 0; i < 20 && git(folder, 'status', '--porcelain') !== ''; i++) await page.waitForTimeout(250);
    const tracked = git(folder, 'ls-files').split('\n');
    for (const file of ['SPEC.md', 'src/sum.js', 'src/index.js', 'test/mean.test.js']) assert.ok(tracked.includes(file), `${file} is committed in the demo copy`);
    assert.equal(git(folder, 'status', '--porcelain'), '', 'the demo copy is clean, ready for Start Agent Plan');
  });
  it("(e) the run's result: Clean Up Run keeps its integration branch; Merge Result into My Branch refuses a dirty tree, then brings it into main", async () => {
    const [integration] = branches(repo, 'loom/*/integration');
    assert.ok(integration, 'the run of (c) left its integration branch');
    const runId = integration.split('/')[1]!;
    const dialogButton = (name: string) => page.locator('.monaco-dialog-box .monaco-button', { hasText: new RegExp(`^${name}$`) });

    await wb.clearToasts();
    await wb.runCommand('Loom: Clean Up Run');
    await wb.pick(/clean up which run/i, runId);
    await dialogButton('Remove Worktrees and Branches').click({ timeout: 15_000 });
    const kept = wb.toast(/but kept loom\/\S+\/integration: it holds the run's result/);
    await kept.waitFor({ state: 'visible', timeout: 30_000 });
    assert.deepEqual(branches(repo, `loom/${runId}/*`), [integration], 'every branch of the run went but its result');

    const main = git(repo, 'rev-parse', 'main');
    writeFileSync(join(repo, 'src', 'greet.js'), 'module.exports = { greet: () => "edited, not committed" };\n');
    await wb.clearToasts();
    await wb.runCommand('Loom: Merge Result into My Branch');
    await wb.pick(/merge the result of which run/i, runId);
    await dialogButton('Merge').click({ timeout: 15_000 });
    await wb.toast(/uncommitted changes \(src\/greet\.js\): commit or stash them first, nothing was changed/).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(git(repo, 'rev-parse', 'main'), main, 'main did not move');
    assert.match(readFileSync(join(repo, 'src', 'greet.js'), 'utf8'), /edited, not committed/, 'the edit is untouched');

    git(repo, 'checkout', '--', 'src/greet.js');
    await wb.clearToasts();
    await wb.runCommand('Loom: Merge Result into My Branch');
    await wb.pick(/merge the result of which run/i, runId);
    await dialogButton('Merge').click({ timeout: 15_000 });
    await wb.toast(/fast-forwarded loom\/\S+\/integration into main/).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(git(repo, 'rev-parse', 'main'), git(repo, 'rev-parse', integration));
    assert.match(readFileSync(join(repo, 'src', 'greet.js'), 'utf8'), /Hello, \$\{name\}!/, "the checkout has the run's change");
    console.log(`[e2e] (e) at ${elapsed()}`);
  });
});
