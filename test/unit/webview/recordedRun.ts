import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RunEventSchema, type RunEvent } from '../../../extension/protocol/events';

/** The recorded run of test/fixtures/recordedRun.jsonl, each line validated. */
export function loadRecordedRun(): RunEvent[] {
  const file = path.join(__dirname, '..', '..', 'fixtures', 'recordedRun.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => RunEventSchema.parse(JSON.parse(line)) as RunEvent);
}
