// tsconfig.core.json maps 'vscode' here. This file is deliberately not a module, so
// `import … from 'vscode'` in src/core, src/cli or test/unit fails with TS2306
// ("is not a module"): the core fence of design.md, enforced by the compiler.
declare const registryMigratorCoreFence: 'src/core and src/cli must not import vscode';
