import * as assert from 'assert';
import { loadRuleSet } from '../../../src/core/rules/loadRuleSet';
import type { MigrationRule } from '../../../src/core/rules/migrationRule';

// The rules file (.registry-migrations.yaml) path by path: every problem is one exact
// message at its file, line and column (the value the user has to change, not the rule's
// start), and a bad entry leaves the rest of the file loaded (mutation testing: most of
// src/core/rules' survivors were these messages and positions).
const PATH = 'repo/.registry-migrations.yaml';

function load(text: string) {
  const r = loadRuleSet({ rulesFile: { text, path: PATH } });
  return {
    problems: r.problems.map((p) => `${p.path}:${p.line}:${p.column} ${p.message}`),
    rules: r.ruleSet.rules,
    exclude: r.exclude,
    ruleSetExclude: r.ruleSet.exclude,
    user: (id: string): MigrationRule | undefined => r.ruleSet.rules.find((x) => x.id === id && x.origin === 'file'),
  };
}

const BUILTIN_COUNT = loadRuleSet().ruleSet.rules.length;

describe('rules file: each problem exactly, at file:line:column (mutation survivors)', function () {
  const cases: [string, string, string[]][] = [
    ['an empty file', '', []],
    ['a comment only', '# nothing yet\n', []],
    ['a list at the root, after comments', '# c\n\n- a\n', [`${PATH}:3:1 expected a mapping with a \`rules:\` list`]],
    ['a scalar at the root', 'rules\n', [`${PATH}:1:1 expected a mapping with a \`rules:\` list`]],
    ['broken YAML: the first line of the parser message', 'rules:\n  - id: A\n    from: [x\n', [`${PATH}:4:1 Flow sequence in block collection must be sufficiently indented and end with a ]`]],
    ['a repeated key', 'rules: []\nrules: []\n', [`${PATH}:2:1 Map keys must be unique`]],
    ['an unknown root key', 'rules: []\n  # x\nrulez: []\n', [`${PATH}:3:1 unknown key "rulez" (expected "rules", "disabledRules" or "exclude")`]],
    ['a root key that is not a scalar', '? [a]\n: 1\n', [`${PATH}:1:3 unknown key "" (expected "rules", "disabledRules" or "exclude")`]],
    ['the three known keys', 'rules: []\ndisabledRules: []\nexclude: []\n', []],
    ['exclude as a string', 'exclude: vendor/**\n', [`${PATH}:1:10 \`exclude\` must be a list of globs, e.g. ["vendor/**", "docs/releases/**"]`]],
    [
      'bad exclude entries, each at its line',
      'exclude:\n  - vendor/**\n  - ""\n  - 3\n  - {a: 1}\n  - "  "\n',
      [3, 4, 5, 6].map((l) => `${PATH}:${l}:5 each \`exclude\` entry must be a glob such as vendor/**`),
    ],
    ['disabledRules as a string', 'disabledRules: K8S-GCR\n', [`${PATH}:1:16 \`disabledRules\` must be a list of rule ids`]],
    ['an unknown disabled id', 'disabledRules:\n  - K8S-GCR\n  - NOPE\n', [`${PATH}:3:5 unknown rule id "NOPE"`]],
    ['a disabled id that is not a scalar', 'disabledRules:\n  - [x]\n', [`${PATH}:2:5 unknown rule id ""`]],
    ['rules as a mapping', 'rules:\n  id: A\n', [`${PATH}:2:3 \`rules\` must be a list`]],
    ['a rule that is a number, then a good one', 'rules:\n  - 3\n  - {id: A, from: a.io/b, to: c.io/d}\n', [`${PATH}:2:5 each rule must be a mapping with at least \`id\` and \`from\``]],
    [
      'an unknown rule key: all keys listed',
      'rules:\n  - id: A\n    from: a.io/b\n    to: c.io/d\n    form: x\n',
      [`${PATH}:5:5 unknown rule key "form" (expected one of id, from, to, match, reason, since, source, message, severity, enabled, tags, companions)`],
    ],
    ['a bad id, at the id', 'rules:\n  - id: "-A"\n    from: a.io/b\n    to: c.io/d\n', [`${PATH}:2:9 \`id\` must be a word such as ACME-MOVE (letters, digits, ".", "_", "-")`]],
    ['a bad match, at the match', 'rules:\n  - id: A\n    from: a.io/b\n    match: glob\n    to: c.io/d\n', [`${PATH}:4:12 \`match\` must be exact, prefix or pattern`]],
    ['a bad from, at the from', 'rules:\n  - id: A\n    to: c.io/d\n    from: 3\n', [`${PATH}:4:11 \`from\` must be a repository name or prefix (or a list of them), e.g. registry.example.com/team`]],
    ['a bad to, at the to', 'rules:\n  - id: A\n    from: a.io/b\n    to: [c.io/d]\n', [`${PATH}:4:9 \`to\` must be a repository name`]],
    ['no to and no message, at the rule', 'rules:\n  - id: A\n    from: a.io/b\n', [`${PATH}:2:5 a rule without \`to\` needs a \`message\` saying what to use instead`]],
    ['enabled as text, at the enabled', 'rules:\n  - id: A\n    from: a.io/b\n    to: c.io/d\n    enabled: yes\n', [`${PATH}:5:14 \`enabled\` must be true or false`]],
    ['a list as since, at the since', 'rules:\n  - id: A\n    from: a.io/b\n    to: c.io/d\n    since: [x]\n', [`${PATH}:5:12 \`since\` must be text`]],
    ['a list as source', 'rules:\n  - id: A\n    from: a.io/b\n    to: c.io/d\n    source: [x]\n', [`${PATH}:5:13 \`source\` must be text`]],
    ['a list as message', 'rules:\n  - id: A\n    from: a.io/b\n    to: c.io/d\n    message: [x]\n', [`${PATH}:5:14 \`message\` must be text`]],
    ['companions not a list, at the companions', 'rules:\n  - id: A\n    from: a.io/b\n    to: c.io/d\n    companions: {a: 1}\n', [`${PATH}:5:17 \`companions\` must be a list`]],
    [
      'a companion with a bad helmValue',
      'rules:\n  - id: A\n    from: a.io/b\n    to: c.io/d\n    companions:\n      - {helmValue: 1x, value: t}\n',
      [`${PATH}:6:7 each companion needs \`helmValue\` (a dotted Helm value path) and \`value\``],
    ],
    ['an override with tags not a mapping', 'rules:\n  - id: K8S-GCR\n    tags: [x]\n', [`${PATH}:3:11 \`tags\` must be a mapping (pattern, range, until, exclude, message, transform)`]],
    ['an override with a bad companion', 'rules:\n  - id: K8S-GCR\n    companions: [x]\n', [`${PATH}:3:17 each companion needs \`helmValue\` (a dotted Helm value path) and \`value\``]],
    ['an override with enabled as text, at the enabled', 'rules:\n  - id: K8S-GCR\n    enabled: "no"\n', [`${PATH}:3:14 \`enabled\` must be true or false`]],
    ['an override with a bad severity, at the severity', 'rules:\n  - id: K8S-GCR\n    severity: loud\n', [`${PATH}:3:15 \`severity\` must be one of error, warning, info, hint`]],
    ['a bad severity, at the severity', 'rules:\n  - id: A\n    from: a.io/b\n    to: c.io/d\n    severity: loud\n', [`${PATH}:5:15 \`severity\` must be one of error, warning, info, hint`]],
    ['a null to and no message, at the to', 'rules:\n  - id: A\n    from: a.io/b\n    to: ~\n', [`${PATH}:4:9 a rule without \`to\` needs a \`message\` saying what to use instead`]],
    ['$1 in a prefix rule\'s to, at the to', 'rules:\n  - id: A\n    from: a.io/b\n    to: c.io/$1\n', [`${PATH}:4:9 \`to\` "c.io/$1": $1, $2… are for \`match: pattern\` rules`]],
    ['a list as tags.pattern, at the tags', 'rules:\n  - id: A\n    from: a.io/b\n    to: c.io/d\n    tags:\n      pattern: [1]\n', [`${PATH}:6:7 \`tags.pattern\` must be text`]],
    ['a rule key that is not a scalar', 'rules:\n  - ? [a]\n    : 1\n    id: A\n    from: a.io/b\n    to: c.io/d\n', [`${PATH}:2:7 unknown rule key "" (expected one of id, from, to, match, reason, since, source, message, severity, enabled, tags, companions)`]],
    ['a duplicate id, at the second id', 'rules:\n  - {id: A, from: a.io/b, to: c.io/d}\n  - {id: A, from: e.io/b, to: c.io/d}\n', [`${PATH}:3:10 duplicate rule id "A"`]],
  ];
  for (const [name, text, want] of cases) {
    it(name, function () {
      const r = load(text);
      assert.deepStrictEqual(r.problems, want);
      // Built-ins always load, whatever the file says.
      assert.ok(r.rules.length >= BUILTIN_COUNT, `${r.rules.length} rules`);
    });
  }

  it('a bad rule is left out, the good ones after it load', function () {
    const r = load('rules:\n  - 3\n  - {id: A, from: a.io/b, to: c.io/d}\n  - {id: B, from: e.io/b}\n  - {id: C, from: f.io/b, to: g.io/b}\n');
    assert.strictEqual(r.problems.length, 2, r.problems.join('\n'));
    assert.deepStrictEqual([r.user('A')?.to, r.user('B'), r.user('C')?.to], ['c.io/d', undefined, 'g.io/b']);
  });

  it('the first of two rules with one id wins', function () {
    const r = load('rules:\n  - {id: A, from: a.io/b, to: c.io/d}\n  - {id: A, from: e.io/b, to: x.io/d}\n');
    assert.strictEqual(r.user('A')?.to, 'c.io/d');
  });

  it('exclude globs: the good entries are kept, in order; the rule set carries them only when there are some', function () {
    const r = load('exclude:\n  - vendor/**\n  - 3\n  - docs/releases/**\n');
    assert.deepStrictEqual(r.exclude, ['vendor/**', 'docs/releases/**']);
    assert.deepStrictEqual(r.ruleSetExclude, ['vendor/**', 'docs/releases/**']);
    const none = load('exclude: []\n');
    assert.deepStrictEqual(none.exclude, []);
    assert.strictEqual(none.ruleSetExclude, undefined);
    assert.ok(!('exclude' in loadRuleSet({ rulesFile: { text: 'exclude: []\n', path: PATH } }).ruleSet));
  });

  it('disabledRules turns off the listed built-ins only, even after an unknown id', function () {
    const r = load('disabledRules:\n  - NOPE\n  - K8S-GCR\n');
    assert.strictEqual(r.rules.find((x) => x.id === 'K8S-GCR')?.enabled, false);
    assert.strictEqual(r.rules.find((x) => x.id === 'BITNAMI-LEGACY')?.enabled, true);
  });

  it('a rule leading back to itself is a cycle, reported with its origin', function () {
    const r = load('rules:\n  - id: A\n    from: a.io/b\n    to: a.io/b/c\n');
    assert.deepStrictEqual(r.problems, ['file:1:1 rule A: its target a.io/b/c is matched by its own rules again (a cycle)']);
    const s = loadRuleSet({ userRules: [{ id: 'S', from: 's.io', to: 's.io/x' }] }).problems.map((p) => `${p.path}:${p.line}:${p.column} ${p.message}`);
    assert.deepStrictEqual(s, ['settings:1:1 rule S: its target s.io/x is matched by its own rules again (a cycle)']);
  });

  it('no cycle for a disabled rule, a rule without to, a pattern, or a target another rule moves on', function () {
    assert.deepStrictEqual(load('rules:\n  - {id: A, from: a.io/b, to: a.io/b/c, enabled: false}\n').problems, []);
    assert.deepStrictEqual(load('rules:\n  - {id: A, from: a.io/b, message: gone}\n').problems, []);
    assert.deepStrictEqual(load('rules:\n  - {id: A, from: "a.io/*", to: a.io/x/$1, match: pattern}\n').problems, []);
    // A -> B -> c.io: a chain, not a cycle.
    assert.deepStrictEqual(load('rules:\n  - {id: A, from: a.io/b, to: b.io/b}\n  - {id: B, from: b.io, to: c.io}\n').problems, []);
    // An exact rule's target under its own name is not matched by it again.
    assert.deepStrictEqual(load('rules:\n  - {id: A, from: a.io/b, to: a.io/b/c, match: exact}\n').problems, []);
  });

  it('a two-rule cycle of exact rules is reported for both', function () {
    const r = load('rules:\n  - {id: A, from: a.io/b, to: c.io/d, match: exact}\n  - {id: B, from: c.io/d, to: a.io/b, match: exact}\n');
    assert.deepStrictEqual(r.problems, [
      'file:1:1 rule A: its target c.io/d is matched by its own rules again (a cycle)',
      'file:1:1 rule B: its target a.io/b is matched by its own rules again (a cycle)',
    ]);
  });

  it('a pattern whose target has no $ is probed too; only a prefix rule probes the names under its target', function () {
    // A: a.io/q -> b.io/fixed; B: b.io/fixed -> a.io/x; A matches a.io/x again.
    assert.deepStrictEqual(load('rules:\n  - {id: A, from: "a.io/*", to: b.io/fixed, match: pattern}\n  - {id: B, from: b.io/fixed, to: a.io/x, match: exact}\n').problems, [
      'file:1:1 rule A: its target b.io/fixed is matched by its own rules again (a cycle)',
      'file:1:1 rule B: its target a.io/x is matched by its own rules again (a cycle)',
    ]);
    // B moves b.io/fixed/x to a.io/x, which A moves back under b.io/fixed: B cycles. A's own
    // target b.io/fixed is a namespace of B, no image of A's: A does not.
    assert.deepStrictEqual(load('rules:\n  - {id: A, from: "a.io/*", to: b.io/fixed, match: pattern}\n  - {id: B, from: b.io/fixed, to: a.io}\n').problems, [
      'file:1:1 rule B: its target a.io is matched by its own rules again (a cycle)',
    ]);
  });

  it('a two-rule cycle is reported for both rules', function () {
    const r = load('rules:\n  - {id: A, from: a.io/x, to: b.io/x}\n  - {id: B, from: b.io/x, to: a.io/x}\n');
    assert.deepStrictEqual(r.problems, [
      'file:1:1 rule A: its target b.io/x is matched by its own rules again (a cycle)',
      'file:1:1 rule B: its target a.io/x is matched by its own rules again (a cycle)',
    ]);
  });
});

describe('settings rules (registryMigrator.rules): numbered problems', function () {
  it('each problem names the setting and the rule number', function () {
    const { problems, ruleSet } = loadRuleSet({ userRules: [{ id: 'A', from: 'a.io/b', to: 'c.io/d' }, 'x', { id: 'B', from: 'a.io/c' }] });
    assert.deepStrictEqual(
      problems.map((p) => `${p.path}:${p.line}:${p.column} ${p.message}`),
      [
        'settings: registryMigrator.rules:1:1 rule 2: a rule must be a mapping with at least `id` and `from`',
        'settings: registryMigrator.rules:1:1 rule 3: a rule without `to` needs a `message` saying what to use instead',
      ],
    );
    assert.strictEqual(ruleSet.rules.find((r) => r.id === 'A')?.origin, 'settings');
  });

  it('settings that are not a list: one problem, exactly', function () {
    const { problems } = loadRuleSet({ userRules: { id: 'x' } });
    assert.deepStrictEqual(problems.map((p) => `${p.path}:${p.line}:${p.column} ${p.message}`), ['settings: registryMigrator.rules:1:1 expected a list of rules']);
  });

  it('the rules file overrides settings with the same id', function () {
    const { ruleSet } = loadRuleSet({ userRules: [{ id: 'A', from: 'a.io/b', to: 'c.io/d' }], rulesFile: { text: 'rules:\n  - {id: A, from: a.io/b, to: e.io/d}\n', path: PATH } });
    const a = ruleSet.rules.filter((r) => r.id === 'A');
    assert.deepStrictEqual(a.map((r) => [r.to, r.origin]), [['e.io/d', 'file']]);
  });

  it('disabledRules input turns rules off, and ignores unknown ids', function () {
    const { ruleSet, problems } = loadRuleSet({ disabledRules: ['NOPE', 'K8S-GCR'] });
    assert.deepStrictEqual(problems, []);
    assert.deepStrictEqual(ruleSet.rules.filter((r) => !r.enabled).map((r) => r.id), ['K8S-GCR']);
  });

  it("severity 'rule' keeps each rule's own; a severity sets every rule", function () {
    const own = loadRuleSet({ severity: 'rule', userRules: [{ id: 'A', from: 'a.io/b', to: 'c.io/d', severity: 'hint' }] }).ruleSet.rules;
    assert.strictEqual(own.find((r) => r.id === 'A')?.severity, 'hint');
    assert.strictEqual(own.find((r) => r.id === 'K8S-GCR')?.severity, loadRuleSet().ruleSet.rules.find((r) => r.id === 'K8S-GCR')?.severity);
    const all = loadRuleSet({ severity: 'info', userRules: [{ id: 'A', from: 'a.io/b', to: 'c.io/d', severity: 'hint' }] }).ruleSet.rules;
    assert.deepStrictEqual([...new Set(all.map((r) => r.severity))], ['info']);
  });
});
