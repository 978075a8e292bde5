import * as fs from 'node:fs';
import * as path from 'node:path';

/** The executable `program` resolves to through PATH, or undefined; an absolute path is checked as is. */
export function findOnPath(program: string, envPath: string = process.env.PATH ?? ''): string | undefined {
  const candidates = path.isAbsolute(program) ? [program] : envPath.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, program));
  for (const candidate of candidates) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
