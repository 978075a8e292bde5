// The Loom extension in a real VS Code extension host: it is loaded, it activates, and every
// command it contributes is registered.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'loom-dev.loom';

/** The palette commands issue 3 requires, whatever else the manifest adds. */
const requiredCommands = ['loom.startPlan', 'loom.openDashboard', 'loom.stopAgent', 'loom.stopRun', 'loom.setApiKey', 'loom.cleanRun'];

function loom(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(extensionId);
  assert.ok(extension, `${extensionId} is not loaded as a development extension`);
  return extension;
}

describe('Loom extension activation', () => {
  it('is present, with the manifest the repository declares', () => {
    const manifest = loom().packageJSON as { publisher: string; name: string; main: string };
    assert.equal(`${manifest.publisher}.${manifest.name}`, extensionId);
    assert.match(manifest.main, /dist\/extension(\.js)?$/);
  });

  it('activates without throwing', async () => {
    await loom().activate();
    assert.equal(loom().isActive, true);
  });

  it('registers the palette commands', async () => {
    await loom().activate();
    const commands = new Set(await vscode.commands.getCommands(true));
    const missing = requiredCommands.filter((command) => !commands.has(command));
    assert.deepEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
  });

  it('registers every command its manifest contributes', async () => {
    await loom().activate();
    const contributed = ((loom().packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? []).map(
      (entry) => entry.command,
    );
    assert.ok(contributed.length >= requiredCommands.length, 'the manifest contributes too few commands');
    const commands = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((command) => !commands.has(command));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });
});
