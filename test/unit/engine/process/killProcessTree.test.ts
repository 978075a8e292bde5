import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { descendants, killProcessTree } from '../../../../extension/engine/process/killProcessTree';
import { alive, until } from '../../../fixtures/processes';

describe('engine/process/killProcessTree', () => {
  it('ends a command, its group and a descendant that left the group (setsid)', async () => {
    // The leader prints the pids of a child in its group and of one in a session of its own.
    const leader = spawn('sh', ['-c', 'sleep 30 & echo $!; setsid sleep 30 & echo $!; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    leader.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => out.trim().split('\n').length === 2, 'the leader started both');
    const [inGroup, escaped] = out.trim().split('\n').map(Number);
    await until(() => descendants(leader.pid!).includes(inGroup), 'the child in the group is found');
    assert.ok(descendants(leader.pid!).length >= 2);
    const exited = new Promise((resolve) => leader.once('exit', resolve));
    killProcessTree(leader.pid);
    await exited;
    await until(() => !alive(inGroup), 'the child in the group is ended');
    await until(() => !alive(escaped), 'the one in a session of its own is ended');
  });

  it('finds no descendants of a process that is gone, and killing it is harmless', async () => {
    const child = spawn('true');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.deepEqual(descendants(child.pid!), []);
    assert.doesNotThrow(() => killProcessTree(child.pid));
  });
});

