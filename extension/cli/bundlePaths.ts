import { join, resolve } from 'node:path';

/** The CLI runs from dist/cli/main.js; the other bundles and the examples sit beside it. */
export function packageRoot(): string {
  return resolve(__dirname, '..', '..');
}

export function bundlePaths(root = packageRoot()): { agentWorker: string; toolServer: string } {
  return {
    agentWorker: join(root, 'dist', 'workers', 'agentWorker.js'),
    toolServer: join(root, 'dist', 'tools', 'loomToolServer.js'),
  };
}
