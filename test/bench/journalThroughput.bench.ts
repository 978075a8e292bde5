// Benchmark, not a test: how many events per second the journal makes durable. The durable writer
// (JournalWriter: checksummed lines, a batch per tick written, fsynced off the thread) against the journal's old
// way as the baseline, a plain writeSync per event without fsync (a power cut could lose any of it).
// Both redact and serialize the same recorded events, alternating in one process. Events come as in a
// run: agents are worker threads posting them to the main thread, which journals each message; the
// clock stops once every event is durable (baseline: written). Prints medians and the ratio; the
// target is at least 20,000 durable events/s. A second table shows a trickle (one event per tick):
// each batch holds one event, and one background fsync covers the ticks written while the last ran;
// fsync per event (flush() after each) is the disk's fsync rate.
//   npx tsx test/bench/journalThroughput.bench.ts
//   env: LOOM_BENCH_DIR (default the temp folder; use the disk of LOOM_HOME), LOOM_BENCH_EVENTS=40000,
//        LOOM_BENCH_ROUNDS=5, LOOM_BENCH_AGENTS=4
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EventBody, RunEvent } from '../../extension/protocol/events';
import { JournalWriter } from '../../extension/engine/journal/journalWriter';
import { readJournal } from '../../extension/engine/journal/journalReader';
import { SecretRedactor } from '../../extension/engine/policy/secretRedaction';
import { reportFigures } from './benchTargets';

const EVENTS = Number(process.env.LOOM_BENCH_EVENTS ?? 40_000);
const ROUNDS = Number(process.env.LOOM_BENCH_ROUNDS ?? 5);
const AGENTS = Number(process.env.LOOM_BENCH_AGENTS ?? 4);
const TRICKLE_EVENTS = 2_000;
const TARGET = 20_000;

const RECORDED = readJournal(path.join(__dirname, '..', 'fixtures', 'recordedRun.jsonl')).events.map(({ seq: _seq, ts: _ts, ...body }) => body as EventBody);

/** An agent thread: on "go", posts `count` recorded events as fast as it can, then "done". */
const AGENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.once('message', () => {
  for (let i = 0; i < workerData.count; i++) parentPort.postMessage(workerData.bodies[(workerData.offset + i) % workerData.bodies.length]);
  parentPort.postMessage('done');
});
parentPort.postMessage('ready');
`;

interface Sink {
  append: (body: EventBody) => void;
  /** Makes everything appended durable (or, for the baseline, nothing more to do). */
  finish: () => void;
}

/** The journal's old way: redact, serialize, one writeSync per event, no fsync. */
function plainWriteSync(file: string): Sink {
  const redactor = new SecretRedactor({});
  const fd = fs.openSync(file, 'a');
  let seq = 0;
  return {
    append: (body) => void fs.writeSync(fd, JSON.stringify(redactor.redactDeep({ seq: seq++, ts: Date.now(), ...body } as RunEvent)) + '\n'),
    finish: () => fs.closeSync(fd),
  };
}

/** The journal now; `perEvent` flushes (writes and fsyncs) after every append instead of once a tick. */
function durable(file: string, perEvent = false): Sink {
  const writer = new JournalWriter(file);
  return {
    append: (body) => {
      writer.append(body);
      if (perEvent) writer.flush();
    },
    finish: () => writer.dispose(),
  };
}

/** Events per second from `AGENTS` worker threads streaming into `sink`, until the sink has finished. */
async function streamed(sink: Sink): Promise<number> {
  const workers = Array.from({ length: AGENTS }, (_, i) => new Worker(AGENT_SOURCE, { eval: true, workerData: { bodies: RECORDED, count: Math.ceil(EVENTS / AGENTS), offset: i * 17 } }));
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
  let received = 0;
  const done = Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) =>
          w.on('message', (message: EventBody | 'done') => {
            if (message === 'done') return resolve();
            received++;
            sink.append(message);
          }),
        ),
    ),
  );
  const started = process.hrtime.bigint();
  for (const w of workers) w.postMessage('go');
  await done;
  sink.finish();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await Promise.all(workers.map((w) => w.terminate()));
  return received / seconds;
}

/** Events per second from one producer that yields to the event loop after every event. */
async function trickle(sink: Sink): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < TRICKLE_EVENTS; i++) {
    sink.append(RECORDED[i % RECORDED.length]);
    await new Promise((resolve) => setImmediate(resolve));
  }
  sink.finish();
  return TRICKLE_EVENTS / (Number(process.hrtime.bigint() - started) / 1e9);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const rate = (n: number) => `${Math.round(n).toLocaleString('en-US')} events/s`.padStart(17);

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(process.env.LOOM_BENCH_DIR ?? os.tmpdir(), 'loom-bench-journal-'));
  let files = 0;
  const file = () => path.join(dir, `journal-${files++}.jsonl`);
  try {
    const meanBytes = Math.round(RECORDED.reduce((sum, e) => sum + JSON.stringify(e).length, 0) / RECORDED.length);
    console.log(`journal in ${dir}; recorded events of ${meanBytes} bytes on average; medians of ${ROUNDS} rounds, alternating\n`);

    const base: number[] = [];
    const grouped: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      base.push(await streamed(plainWriteSync(file())));
      grouped.push(await streamed(durable(file())));
    }
    const [b, g] = [median(base), median(grouped)];
    console.log(`${EVENTS} events streamed by ${AGENTS} agent threads`);
    console.log(`  baseline, writeSync per event, no fsync      ${rate(b)}`);
    console.log(`  durable, a batch per tick, fsync off thread  ${rate(g)}   ratio ${(g / b).toFixed(2)}x`);

    const slow: number[] = [];
    const perEvent: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      slow.push(await trickle(durable(file())));
      perEvent.push(await trickle(durable(file(), true)));
    }
    console.log(`\n${TRICKLE_EVENTS} events as a trickle, one per tick (each batch holds one event; fsyncs in the background, one at a time)`);
    console.log(`  durable, a batch per tick                    ${rate(median(slow))}`);
    console.log(`  durable, fsync per event                     ${rate(median(perEvent))}`);

    reportFigures('Journal durability at speed', [
      { name: `durable events/s, ${AGENTS} agent threads`, value: g, unit: 'events/s', baseline: { value: b, name: 'writeSync per event, no fsync' }, target: { on: 'value', atLeast: TARGET } },
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
