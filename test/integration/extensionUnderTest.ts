import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

import { EXTENSION_ID } from './helpers';

/**
 * Which Registry Migrator the leg runs: scripts/runIntegration.js loads this folder in the
 * trusted leg and installs the VSIX of `npm run package` in the untrusted one, and says which
 * in RM_EXTENSION_SOURCE / RM_EXPECT_EXTENSION_PATH. Without this check, a VSIX leg whose
 * install silently fell back to another copy would pass while testing something else.
 */
export function describeExtensionUnderTest(): void {
  describe('the extension under test', () => {
    it('is the copy the harness loaded (this folder, or the VSIX installed with --install-extension)', async () => {
      const expected = process.env.RM_EXPECT_EXTENSION_PATH;
      const source = process.env.RM_EXTENSION_SOURCE;
      assert.ok(expected && (source === 'vsix' || source === 'folder'), 'the harness sets RM_EXTENSION_SOURCE and RM_EXPECT_EXTENSION_PATH');
      const ext = vscode.extensions.getExtension<{ ready: Promise<void> }>(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is loaded`);
      assert.strictEqual(fs.realpathSync(ext.extensionPath), fs.realpathSync(expected));
      await (await ext.activate()).ready;
      assert.strictEqual(ext.isActive, true);
      const manifest = ext.packageJSON as { version: string; main: string };
      assert.strictEqual(manifest.main, './dist/extension.js');
      const files = fs.readdirSync(ext.extensionPath).sort();
      if (source === 'vsix') {
        // What a user's VS Code unpacks: the allowlist of .vscodeignore and nothing else.
        // (vsce writes readme.md, changelog.md and LICENSE.txt under those names.)
        assert.deepStrictEqual(files.filter((f) => !/^(readme\.md|changelog\.md|license(\.txt)?|package\.json|dist|media|\.vsixmanifest)$/i.test(f)), []);
        assert.deepStrictEqual(fs.readdirSync(path.join(ext.extensionPath, 'dist')), ['extension.js', 'scanWorker.js', 'undici.js'], 'the production bundle, its scan worker and undici, no source map');
        assert.strictEqual(ext.extensionKind, vscode.ExtensionKind.Workspace);
      } else {
        assert.ok(files.includes('src') && files.includes('package.json'), 'the development folder');
      }
    });
  });
}
