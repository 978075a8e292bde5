import picomatch from 'picomatch';

/**
 * Files that commonly hold secrets. Agents read them only after a person approves (policy), and
 * Loom's search tool skips them, so their content cannot reach a model by accident.
 */
export const SECRET_FILE_GLOBS = [
  '**/.env',
  '**/.env.*',
  '**/*.pem',
  '**/*.key',
  '**/id_rsa*',
  '**/id_dsa*',
  '**/id_ecdsa*',
  '**/id_ed25519*',
  '**/.npmrc',
  '**/.pypirc',
  '**/.netrc',
  '**/.git-credentials',
  '**/credentials',
  '**/*.p12',
  '**/*.pfx',
] as const;

const matches = picomatch([...SECRET_FILE_GLOBS], { dot: true, nocase: true });

/** `relative` is a POSIX path from the workspace root. `.env.example` and friends are templates, not secrets. */
export function isSecretBearingPath(relative: string): boolean {
  const clean = relative.replace(/\\/g, '/').replace(/^\.\//, '');
  if (/\.env\.(example|sample|template|dist)$/i.test(clean)) return false;
  return matches(clean);
}
