import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RunCoordinator, RunInputError } from '../../../../extension/engine/run/runCoordinator';
import { makeRepo, makeTempDir } from '../../../fixtures/gitRepo';
import { requireBuild, simulatedRunOptions, specWith } from './runHarness';

/** This process's threads (the main one, libuv's, V8's and every worker thread). */
const threads = () => readdirSync('/proc/self/task').length;

describe('a run with bad input', () => {
  before(requireBuild);

  it('says what is wrong, and leaves no worker behind (the coordinator\'s, warmed while the inputs are checked)', async () => {
    const repo = await makeRepo({ 'README.md': '# r\n', 'SPEC.md': specWith(['one']) });
    const home = await makeTempDir('loom-inputs-home-');
    try {
      const before = threads();
      // An endpoint nobody answers: the preflight fails after the coordinator's worker started.
      const options = simulatedRunOptions({ repo: repo.dir, loomHome: home.dir, simulatorUrl: 'http://127.0.0.1:9/v1' });
      const coordinator = new RunCoordinator({ ...options, endpoint: { ...options.endpoint, maxRetries: 0, timeoutMs: 2_000 } });
      await assert.rejects(coordinator.run(), (err: unknown) => err instanceof RunInputError);
      for (let i = 0; i < 100 && threads() > before; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(threads(), before, 'every thread the run started has ended, without dispose()');
      assert.deepEqual(readdirSync(join(home.dir)).filter((f) => f === 'runs'), [], 'nothing was created');
      await coordinator.dispose();
    } finally {
      await repo.cleanup();
      await home.cleanup();
    }
  });
});
