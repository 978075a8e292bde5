import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../../extension/protocol/chat';
import { elideToolResults } from '../../../../extension/engine/agents/elideToolResults';
import { compactContext } from '../../../../extension/engine/agents/compactContext';

const pinned: ChatMessage[] = [
  { role: 'system', content: 'You are an implementor agent in Loom.' },
  { role: 'user', content: `# Spec: sums\n${'requirement text '.repeat(100)}\n# Task add-sum: add sum()` },
];

const fileText = (name: string, version: number, lines = 200) => Array.from({ length: lines }, (_, i) => `// ${name} v${version} line ${i}: const value${i} = compute(${i});`).join('\n');
const testLog = (failing: number) =>
  [
    '$ node --test test/sum.test.js',
    `exit code: ${failing ? 1 : 0} (412 ms)`,
    '--- stdout ---',
    ...Array.from({ length: 120 }, (_, i) => `✔ case ${i} (0.5ms)`),
    ...(failing ? ['✖ sum adds negatives (1.1ms)', '  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal'] : []),
    '# tests 121',
    `# pass ${121 - failing}`,
    `# fail ${failing}`,
    '--- stderr ---',
    '',
  ].join('\n');

type Step = { read: string; version: number } | { write: string } | { test: number };

function conversation(steps: Step[]): ChatMessage[] {
  const messages = pinned.map((m) => ({ ...m }));
  const versions = new Map<string, number>();
  steps.forEach((step, i) => {
    const id = `call_${i}`;
    if ('read' in step) {
      messages.push({ role: 'assistant', content: null, toolCalls: [{ id, name: 'read_file', arguments: JSON.stringify({ path: step.read }) }] });
      messages.push({ role: 'tool', toolCallId: id, content: fileText(step.read, step.version) });
    } else if ('write' in step) {
      const version = (versions.get(step.write) ?? 0) + 1;
      versions.set(step.write, version);
      messages.push({ role: 'assistant', content: null, toolCalls: [{ id, name: 'write_file', arguments: JSON.stringify({ path: step.write, content: 'module.exports = 1;' }) }] });
      messages.push({ role: 'tool', toolCallId: id, content: `wrote 20 bytes to ${step.write}` });
    } else {
      messages.push({ role: 'assistant', content: null, toolCalls: [{ id, name: 'run_command', arguments: JSON.stringify({ command: ['node', '--test', 'test/sum.test.js'] }) }] });
      messages.push({ role: 'tool', toolCallId: id, content: testLog(step.test) });
    }
  });
  return messages;
}

/** The content of the tool result answering the i-th step. */
const resultOf = (messages: ChatMessage[], step: number) => messages[pinned.length + 2 * step + 1].content ?? '';

const twelve: Step[] = [
  { read: 'src/a.js', version: 1 },
  { read: 'src/b.js', version: 1 },
  { test: 2 },
  { write: 'src/a.js' },
  { read: 'src/a.js', version: 2 },
  { test: 1 },
  { read: 'src/c.js', version: 1 },
  { read: 'src/b.js', version: 1 },
  { test: 1 },
  { read: 'src/d.js', version: 1 },
  { test: 0 },
  { read: 'src/e.js', version: 1 },
];

describe('engine/agents/elideToolResults', () => {
  it('stubs stale results older than the kept turns, keeping the pinned spec and task, each file’s latest content and each test verdict', () => {
    const messages = conversation(twelve);
    const before = messages.map((m) => ({ ...m }));
    const { elided, savedChars } = elideToolResults(messages, { keepTurns: 4, blockTurns: 8, minChars: 600 });
    // Boundary: (12 - 4) rounded down to a block of 8 = turn 8. Stale before it: a.js v1 (read again),
    // b.js's first read (read again at turn 8 — which is itself the latest and stays), the test logs of turns 3 and 6.
    assert.equal(elided, 4);
    assert.ok(savedChars > 20_000);
    assert.deepEqual(messages.slice(0, 2), pinned, 'the spec and the task are untouched');
    assert.match(resultOf(messages, 0), /^\[elided: read_file src\/a\.js, 200 lines; a later read or write of it follows\]$/);
    assert.match(resultOf(messages, 1), /^\[elided: read_file src\/b\.js/);
    assert.equal(resultOf(messages, 4), fileText('src/a.js', 2), 'the latest read of a.js is whole');
    assert.equal(resultOf(messages, 6), fileText('src/c.js', 1), 'a file read once stays whole however old');
    assert.equal(resultOf(messages, 7), fileText('src/b.js', 1), 'the latest read of b.js is whole');
    const log = resultOf(messages, 2);
    assert.match(log, /^\[elided: run_command output, \d+ lines, kept \d+ — run it again if needed\]/);
    for (const line of ['$ node --test test/sum.test.js', 'exit code: 1 (412 ms)', '# tests 121', '# pass 119', '# fail 2', '✖ sum adds negatives (1.1ms)']) assert.ok(log.includes(line), `the stub keeps "${line}"`);
    assert.ok(!log.includes('✔ case 7 '), 'passing case lines go');
    for (let i = 8; i < twelve.length; i++) assert.deepEqual(messages[pinned.length + 2 * i + 1], before[pinned.length + 2 * i + 1], `turn ${i + 1} is inside the kept turns`);
  });

  it('moves its boundary a block at a time, so the prompt prefix stays byte-identical between blocks', () => {
    const messages = conversation(twelve);
    elideToolResults(messages, { keepTurns: 4, blockTurns: 8, minChars: 600 });
    const prefix = JSON.stringify(messages);
    const more: Step[] = [...twelve, { read: 'src/c.js', version: 1 }, { test: 0 }, { read: 'src/f.js', version: 1 }, { test: 0 }, { read: 'src/g.js', version: 1 }, { test: 0 }, { read: 'src/h.js', version: 1 }];
    // Turns 13 to 19: the boundary stays at turn 8 and nothing before it changes, although c.js was read again at turn 13.
    for (let turns = 13; turns <= 19; turns++) {
      const grown = [...JSON.parse(prefix), ...conversation(more.slice(0, turns)).slice(messages.length)] as ChatMessage[];
      assert.equal(elideToolResults(grown, { keepTurns: 4, blockTurns: 8, minChars: 600 }).elided, 0, `no elision at ${turns} turns`);
      assert.ok(JSON.stringify(grown).startsWith(prefix.slice(0, -1)), `the prefix is unchanged at ${turns} turns`);
    }
    // Turn 20: the boundary moves to 16 and the stale results of turns 9 to 16 go at once.
    const grown = [...JSON.parse(prefix), ...conversation([...more, { test: 0 }]).slice(messages.length)] as ChatMessage[];
    const { elided } = elideToolResults(grown, { keepTurns: 4, blockTurns: 8, minChars: 600 });
    assert.equal(elided, 5, 'c.js first read, the logs of turns 9, 11, 14 and 16');
    assert.match(resultOf(grown, 6), /^\[elided: read_file src\/c\.js/);
  });

  it('compaction cuts stale results before the latest content of files, and never the pinned spec and task', () => {
    const messages = conversation([{ read: 'src/a.js', version: 1 }, { read: 'src/b.js', version: 1 }, { read: 'src/a.js', version: 2 }, { test: 1 }, { write: 'src/z.js' }, { write: 'src/y.js' }, { write: 'src/x.js' }]);
    // Room for everything but one file's text: only the stale first read of a.js has to go.
    const cut = compactContext(messages, Math.ceil(JSON.stringify(messages).length / 4 / 0.8) - 2_000, 0.8, 0.8);
    assert.equal(cut, 1);
    assert.deepEqual(messages.slice(0, 2), pinned);
    assert.match(resultOf(messages, 0), /elided to fit the context window/);
    assert.equal(resultOf(messages, 1), fileText('src/b.js', 1), 'b.js, read once, is its latest content and stays');
    assert.equal(resultOf(messages, 2), fileText('src/a.js', 2));
  });
});
