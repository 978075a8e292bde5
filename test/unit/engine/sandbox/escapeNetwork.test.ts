import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as os from 'node:os';
import type { EscapeLedger } from './escapeLedger';
import { useEscapeWorld } from './escapeWorld';
import { pool, sleep, stdoutOf, type World } from './sandboxHarness';

/**
 * The escape suite (see escapeWorld.ts), network: TCP, UDP, an abstract unix socket and HTTP
 * servers of the host, tried from inside the sandbox on every address the host has.
 */
describe('engine/sandbox escape suite: network', function () {
  this.timeout(120_000);

  const escWorld = useEscapeWorld();
  const { cmd, expectNone } = escWorld;
  let world: World;
  let ledger: EscapeLedger;
  before(() => ({ world, ledger } = escWorld));

  it('network: nothing the host listens on is reachable', async () => {
    const F = 'network';
    const hits: string[] = [];
    const tcp = net.createServer((s) => {
      hits.push(`tcp from ${s.remoteAddress}`);
      s.end('HOST-SERVER\n');
    });
    await new Promise<void>((r) => tcp.listen({ port: 0, host: '::', ipv6Only: false }, r));
    const port = (tcp.address() as net.AddressInfo).port;
    const abstract = net.createServer((s) => {
      hits.push('abstract unix');
      s.end('HOST-SERVER\n');
    });
    await new Promise<void>((r) => abstract.listen(`\0${world.tok}`, r));
    const udp = dgram.createSocket('udp4');
    udp.on('message', (m) => hits.push(`udp ${m.toString()}`));
    await new Promise<void>((r) => udp.bind(0, '0.0.0.0', r));
    const udpPort = udp.address().port;
    try {
      const hostIps = Object.values(os.networkInterfaces()).flat().filter((i) => i && !i.internal).map((i) => i!.address);
      const connect = (opts: string) => `const s = require('net').connect(${opts}); s.setTimeout(1500);
        s.on('connect', () => console.log('CONNECTED')); s.on('data', (d) => { console.log('GOT', String(d)); process.exit(0); });
        s.on('error', (e) => { console.log('ERR', e.code); process.exit(0); }); s.on('timeout', () => { console.log('TIMEOUT'); process.exit(0); });`;
      const attempts: [string, string[]][] = [
        ...['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::ffff:127.0.0.1', ...hostIps].map((h): [string, string[]] => [`tcp ${h}:${port}`, ['node', '-e', connect(JSON.stringify({ host: h, port }))]]),
        ['abstract unix socket', ['node', '-e', connect(JSON.stringify({ path: `\0${world.tok}` }))]],
        ...['127.0.0.1', ...hostIps.filter((h) => net.isIPv4(h))].map((h): [string, string[]] => [`udp ${h}:${udpPort}`, ['node', '-e', `const s = require('dgram').createSocket('udp4'); s.send('${world.tok}', ${udpPort}, '${h}', (e) => { console.log(e ? 'ERR ' + e.code : 'SENT'); s.close(); });`]]),
        ['curl', ['curl', '-sS', '--max-time', '2', `http://127.0.0.1:${port}/`]],
        ['fetch', ['node', '-e', `fetch('http://127.0.0.1:${port}/').then((r) => r.text()).then(console.log, (e) => console.log('ERR', e.cause?.code))`]],
      ];
      await pool(attempts, 4, async ([name, argv]) => {
        await ledger.run(F, [{ name, verdict: (o) => (/^CONNECTED$|HOST-SERVER/m.test(stdoutOf(o)) ? { kind: 'escape', detail: `reached the host: ${stdoutOf(o).trim()}` } : null) }], () => cmd(argv));
      });
      await sleep(200);
      if (hits.length) ledger.add(F, 'host listeners', 'escape', `the host's servers were reached: ${hits.join('; ')}`);
    } finally {
      tcp.close();
      abstract.close();
      udp.close();
    }
    expectNone(F);
  });
});
