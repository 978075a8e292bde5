import { join } from 'node:path';
import { DEFAULT_PRICES, mergePriceTables, PriceTableSchema, type PriceTable } from '../../protocol/pricing';
import { describeIssues, readJsonConfigFile } from '../config/jsonConfigFile';

/** A price table that cannot be used; the message names the file (or setting) and the bad entry, never a stack. */
export class PriceTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PriceTableError';
  }
}

/** Validates a price table (a parsed file, or the `loom.prices` setting). Throws PriceTableError naming `source`. */
export function parsePriceTable(input: unknown, source: string): PriceTable {
  const parsed = PriceTableSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new PriceTableError(`${source} is not a valid price table (see docs/budgets.md):\n  ${describeIssues(parsed.error).join('\n  ')}`);
}

/** Reads a price table file: JSON (comments allowed), `{ "model or prefix*": { "input": $/M, "output": $/M } }`. */
export function loadPriceTableFile(file: string): PriceTable {
  return parsePriceTable(readJsonConfigFile(file, 'price file', (m) => new PriceTableError(m)), `the price file ${file}`);
}

/** `prices.json` in LOOM_HOME, read at every run start when it exists. */
export function homePriceFile(loomHome: string): string {
  return join(loomHome, 'prices.json');
}

/** The run's prices: the defaults, overridden by LOOM_HOME/prices.json, overridden by the setting or `--prices`. */
export function runPriceTable(loomHome: string, override: PriceTable | undefined): PriceTable {
  const file = homePriceFile(loomHome);
  let home: PriceTable | undefined;
  try {
    home = loadPriceTableFile(file);
  } catch (err) {
    if (!(err instanceof PriceTableError) || !/no such file/.test(err.message)) throw err;
  }
  return mergePriceTables(DEFAULT_PRICES, home, override);
}
