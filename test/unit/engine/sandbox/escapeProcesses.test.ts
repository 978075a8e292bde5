import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SandboxedAgent } from '../../../fixtures/sandboxedAgent';
import type { Attempt, EscapeLedger, Op } from './escapeLedger';
import { useEscapeWorld } from './escapeWorld';
import { hostProcessesMentioning, sleep, type Call, type World } from './sandboxHarness';

/**
 * The escape suite (see escapeWorld.ts), processes and the kernel: /proc (host processes, their
 * environment, kernel settings), namespace and privilege tricks (mounts, devices, kill -9 -1), and
 * children that try to outlive their command.
 */
describe('engine/sandbox escape suite: processes, /proc and namespaces', function () {
  this.timeout(120_000);

  const escWorld = useEscapeWorld();
  const { cleanups, cmd, ops, opsAttempts, expectNone } = escWorld;
  let world: World;
  let attacker: SandboxedAgent;
  let victim: SandboxedAgent;
  let call: Call;
  let ledger: EscapeLedger;
  let lease: string;
  before(() => ({ world, attacker, victim, call, ledger, lease } = escWorld));

  it('/proc: host processes, their environment, and kernel settings', async () => {
    const F = '/proc';
    const testPid = process.pid;
    const serverPid = attacker.tools.servers[0].pid;
    const runner = fs.realpathSync(process.argv[1] ?? process.execPath);
    const notHost = (out: string) => (out.includes(runner) ? { kind: 'escape' as const, detail: `a host process is visible: ${runner}` } : null);
    const list: (Op & { targets?: string[]; verdict?: Attempt['verdict'] })[] = [
      { id: 'environ of pid 1', op: 'read', p: '/proc/1/environ' },
      { id: 'own environ', op: 'read', p: '/proc/self/environ' },
      { id: `environ of the test's host pid ${testPid}`, op: 'read', p: `/proc/${testPid}/environ` },
      { id: `cmdline of the test's host pid`, op: 'read', p: `/proc/${testPid}/cmdline`, verdict: notHost },
      { id: `root of the test's host pid`, op: 'read', p: `/proc/${testPid}/root${world.paths.secret}` },
      { id: `cwd of the test's host pid`, op: 'readdir', p: `/proc/${testPid}/cwd` },
      { id: `environ of the tool server's host pid ${serverPid}`, op: 'read', p: `/proc/${serverPid}/environ` },
      { id: 'every process environ and cmdline', op: 'sh', cmd: 'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline; echo; tr "\\0" "\\n" < $p/environ; done 2>/dev/null; true', verdict: notHost },
      { id: 'ps', op: 'sh', cmd: 'ps -eo pid,args', verdict: notHost },
      { id: 'sysrq-trigger', op: 'openWrite', p: '/proc/sysrq-trigger', verdict: (o) => (o === 'OPENED' ? { kind: 'escape', detail: '/proc/sysrq-trigger opened for writing' } : null) },
    ];
    // Kernel settings that are global to the host: writing one back unchanged must already fail.
    for (const s of ['kernel/core_pattern', 'kernel/modprobe', 'vm/swappiness', 'kernel/core_uses_pid', 'fs/protected_symlinks']) {
      list.push({ id: `sysctl ${s}`, op: 'sysctlSame', p: `/proc/sys/${s}`, verdict: (o) => (o === 'WROTE' ? { kind: 'escape', detail: `wrote the host-global sysctl /proc/sys/${s} (idempotent write went through)` } : null) });
    }
    await opsAttempts(F, list);
    // One real change, seen from the host and undone at once: kernel.core_uses_pid (only names core files).
    const sysctl = '/proc/sys/kernel/core_uses_pid';
    const was = fs.readFileSync(sysctl, 'utf8').trim();
    try {
      await ledger.run(F, [{
        name: 'sysctl kernel.core_uses_pid flipped',
        verdict: () => (fs.readFileSync(sysctl, 'utf8').trim() !== was ? { kind: 'escape', detail: `the host's ${sysctl} changed from ${was} (repro: run_command ["sh","-c","echo ${was === '0' ? 1 : 0} > ${sysctl}"])` } : null),
      }], () => ops([{ id: 'flip', op: 'sysctlSet', p: sysctl, data: was === '0' ? '1' : '0' }]));
    } finally {
      if (fs.readFileSync(sysctl, 'utf8').trim() !== was) fs.writeFileSync(sysctl, was);
    }
    expectNone(F);
  });

  it('namespace and privilege tricks', async () => {
    const F = 'namespaces';
    const g = world.paths.gitDir;
    const dev = fs.statSync(world.repo).dev;
    const [major, minor] = [Math.floor(dev / 256) & 0xfff, (dev & 0xff) | ((dev >> 12) & 0xfff00)];
    const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
    cleanups.push(() => bystander.kill('SIGKILL'));
    const victimRun = victim.tools.call('run_command', JSON.stringify({ command: ['sh', '-c', 'mkdir -p victim-work; for i in $(seq 15); do echo $i >> victim-work/beat; sleep 0.1; done; echo VICTIM-DONE'] }));
    const list: (Op & { targets?: string[]; verdict?: Attempt['verdict'] })[] = [
      { id: 'remount .git read-write in a user namespace', op: 'sh', cmd: `unshare -rm sh -c 'mount -o remount,rw,bind ${g}; echo x > ${g}/hooks/${world.tok}-remount'`, targets: [path.join(g, 'hooks', `${world.tok}-remount`)] },
      { id: "unmount the lease's .git", op: 'sh', cmd: `unshare -rm sh -c 'umount ${lease}/.git; echo gitdir: /tmp > ${lease}/.git'`, targets: [path.join(lease, '.git')] },
      { id: 'bind over the checkout', op: 'sh', cmd: `unshare -rm sh -c 'mkdir -p /tmp/x && mount --bind /tmp/x ${g}/hooks && echo x > ${g}/hooks/${world.tok}-bind'`, targets: [path.join(g, 'hooks', `${world.tok}-bind`)] },
      { id: 'nested bwrap binding /', op: 'sh', cmd: `bwrap --dev-bind / / -- sh -c 'echo x > ${world.repo}/${world.tok}-bwrap; cat ${world.paths.secret}'`, targets: [path.join(world.repo, `${world.tok}-bwrap`)] },
      { id: `mknod the host disk ${major}:${minor}`, op: 'sh', cmd: `mknod /tmp/disk b ${major} ${minor} && head -c 1100 /tmp/disk | tail -c 76 | od -c | head -3`, verdict: (o) => (o.startsWith('OUT') && o.length > 8 ? { kind: 'escape', detail: `read the host disk: ${o.slice(0, 120)}` } : null) },
      { id: 'chroot /proc/1/root', op: 'sh', cmd: `chroot /proc/1/root cat ${world.paths.secret}` },
      { id: 'nsenter pid 1', op: 'sh', cmd: `nsenter -t 1 -m -p cat ${world.paths.secret}` },
    ];
    await opsAttempts(F, list);
    await ledger.run(F, [{ name: 'kill -9 -1' }], () => cmd(['sh', '-c', 'kill -9 -1; echo sent']));
    await ledger.run(F, [{
      name: 'host and other agents survive kill -9 -1',
      verdict: () => (bystander.exitCode !== null || bystander.signalCode !== null ? { kind: 'escape', detail: 'a host process was killed from the sandbox' } : null),
    }], async () => (await victimRun).text);
    const victimOut = (await victimRun).text;
    if (!victimOut.includes('VICTIM-DONE')) ledger.add(F, 'kill -9 -1', 'escape', `the other agent's command was killed: ${victimOut.slice(0, 200)}`);
    const alive = await call('read_file', { path: 'a.txt' });
    assert.ok(alive.ok, `the tool server did not survive kill -9 -1 of its own command: ${alive.text}`);
    expectNone(F);
  });

  it('a detached child does not outlive its command', async () => {
    const F = 'detached';
    const m = (k: string) => `markers/${world.tok}-marker-${k}`;
    const loop = (k: string) => `while :; do echo x >> ${m(k)}; sleep 0.1; done`;
    // Each command returns only once its child has written (up to 10 s): under load a fixed sleep
    // could end the command, and the child with it, before the child ever ran.
    const waitSh = (k: string) => `i=0; while [ ! -s ${m(k)} ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done`;
    const waitNode = (k: string) => `const t0 = Date.now(); const w = setInterval(() => { const fs = require('fs'); if ((fs.existsSync(${JSON.stringify(m(k))}) && fs.statSync(${JSON.stringify(m(k))}).size > 0) || Date.now() - t0 > 10000) clearInterval(w); }, 50)`;
    const variants: [string, string[]][] = [
      ['node spawn detached+unref', ['node', '-e', `require('fs').mkdirSync('markers',{recursive:true}); require('child_process').spawn('sh', ['-c', ${JSON.stringify(loop('node'))}], { detached: true, stdio: 'ignore' }).unref(); ${waitNode('node')}`]],
      ['sh background & disown', ['sh', '-c', `mkdir -p markers; (${loop('bg')}) > /dev/null 2>&1 & ${waitSh('bg')}`]],
      ['setsid -f', ['sh', '-c', `mkdir -p markers; setsid -f sh -c '${loop('setsid')}' > /dev/null 2>&1; ${waitSh('setsid')}`]],
      ['nohup', ['sh', '-c', `mkdir -p markers; nohup sh -c '${loop('nohup')}' > /dev/null 2>&1 & ${waitSh('nohup')}`]],
      ['double fork ignoring signals', ['node', '-e', `require('fs').mkdirSync('markers',{recursive:true}); require('child_process').spawn('sh', ['-c', ${JSON.stringify(`trap '' HUP TERM INT; (trap '' HUP TERM INT; ${loop('dfork')}) &`)}], { detached: true, stdio: 'ignore' }).unref(); ${waitNode('dfork')}`]],
      // The sandbox refuses new user namespaces (--disable-userns); if that ever changed, the loop must still die.
      ['own PID namespace', ['sh', '-c', `mkdir -p markers; if unshare -rpf true 2>/dev/null; then unshare -rpf sh -c '${loop('pidns')}' > /dev/null 2>&1 & ${waitSh('pidns')}; else echo refused > ${m('pidns')}-refused; fi`]],
      ['daemon in /tmp', ['sh', '-c', `mkdir -p markers; cp /bin/sh /tmp/${world.tok}-d; (/tmp/${world.tok}-d -c '${loop('tmpd')}' &) ; ${waitSh('tmpd')}`]],
    ];
    const keys = ['node', 'bg', 'setsid', 'nohup', 'dfork', 'pidns', 'tmpd'];
    // One after the other: when a command ends, the tool server ends every orphan in the agent's
    // namespace, so a concurrent variant's daemon could die before it wrote its first marker.
    for (const [name, argv] of variants) await ledger.run(F, [{ name }], () => cmd(argv));
    const size = (k: string) => fs.statSync(path.join(lease, m(k)), { throwIfNoEntry: false })?.size ?? 0;
    const started = keys.map(size);
    await sleep(150);
    const returned = keys.map(size);
    await sleep(700);
    const later = keys.map(size);
    keys.forEach((k, i) => {
      const refused = fs.existsSync(path.join(lease, `${m(k)}-refused`));
      if (started[i] === 0 && !refused) ledger.add(F, variants[i][0], 'guard', `the child never wrote its marker (the test did not exercise it)`);
      if (later[i] !== returned[i]) ledger.add(F, variants[i][0], 'escape', `its marker kept growing after the command returned (${returned[i]} → ${later[i]} bytes)`);
    });
    const left = hostProcessesMentioning(`${world.tok}-marker`);
    if (left.length) ledger.add(F, 'leftovers', 'escape', `processes still running: ${left.map((l) => `${l.pid} ${l.cmdline}`).join('; ')}`);
    expectNone(F);
  });
});
