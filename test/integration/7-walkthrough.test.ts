import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TagExplorerApi } from '../../src/vscode/tagExplorer/tagExplorer';
import { EXTENSION_ID, activated, hasUi, ui, waitFor } from './helpers';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { image?: string };
}

describe('first-run walkthrough', function () {
  this.timeout(30000);
  const ext = () => vscode.extensions.getExtension<{ tagExplorer: TagExplorerApi }>(EXTENSION_ID)!;
  const steps = (): Step[] => ext().packageJSON.contributes.walkthroughs[0].steps;

  before(activated);
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('scan, open a finding, fix, Tag Explorer, verify: each step links a command that exists, and its picture ships', async () => {
    assert.deepStrictEqual(steps().map((s) => s.id), ['scan', 'open', 'fix', 'explorer', 'verify']);
    const known = new Set(await vscode.commands.getCommands(false));
    for (const s of steps()) {
      const commands = [...s.description.matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1]);
      assert.ok(commands.length > 0, `${s.id} links a command`);
      for (const c of commands) {
        // View focus commands are made by the workbench from the view id.
        assert.ok(known.has(c) || c === 'registryMigrator.tagExplorer.focus', `${s.id}: ${c} is a command`);
      }
      assert.ok(s.media.image && fs.existsSync(path.join(ext().extensionPath, s.media.image)), `${s.id}: ${s.media.image}`);
    }
  });

  it('opens in the workbench, and its "Open the Tag Explorer" button opens the Tag Explorer', async function () {
    if (!hasUi()) this.skip(); // printed as skipped: needs the harness's UI driver
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#gettingStarted`, false);
    await ui('waitFor', { text: 'Migrate moved container images' });
    await ui('click', { css: '.getting-started-step', text: 'Open the Tag Explorer' });
    await ui('click', { role: 'button', name: 'Open the Tag Explorer' });
    const api = (await ext().activate()).tagExplorer;
    await waitFor('the Tag Explorer to be visible', () => (api.view.visible ? true : undefined));
  });
});
