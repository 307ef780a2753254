import * as assert from 'assert';

import { checkHostOverrides, hostnameOf, isLoopbackHost, isPrivateAddress, realmUnderHost, registryOrigin } from '../../src/core/registry/hosts';

// The host checks behind "never follow a redirect or token realm to another host" and "no
// plain HTTP but to loopback or a named insecure registry": each boundary, both sides.
describe('registry hosts: names, loopback, private ranges, origins, realms', () => {
  it('hostnameOf drops the port, the IPv6 brackets, and lowercases', () => {
    const cases: [string, string][] = [
      ['127.0.0.1:5000', '127.0.0.1'],
      ['[::1]:5000', '::1'],
      ['[::1]', '::1'],
      ['[FE80::1]:443', 'FE80::1'],
      ['Registry.Example:5000', 'registry.example'],
      ['Registry.Example', 'registry.example'],
      ['::1', '::1'],
      ['fe80::1', 'fe80::1'],
      ['a[::1]', 'a[::1]'],
      ['[::1]x', '[::1]x'],
    ];
    for (const [host, want] of cases) assert.strictEqual(hostnameOf(host), want, host);
  });

  it('isLoopbackHost: localhost, 127.0.0.0/8 and ::1 only', () => {
    for (const h of ['localhost', 'LOCALHOST:80', '127.0.0.1', '127.0.10.1', '127.0.0.10', '127.255.0.9:5000', '[::1]:5000', '::1']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['localhost.example', 'x127.0.0.1', '127.0.0.1.example', '127.0.0', '128.0.0.1', '[::2]', '10.0.0.1', 'a127.0.0.1:80']) assert.ok(!isLoopbackHost(h), h);
  });

  it('isPrivateAddress: RFC 1918, link-local and unique-local literals, each edge', () => {
    const yes = ['10.0.0.1', '10.255.255.255:5000', '172.16.0.1', '172.31.255.255', '192.168.0.1', '192.168.1.1:443', '169.254.169.254', '[fc00::1]', '[fd12::1]:5000', 'FD00::1', '[fe80::1]', '[feb0::1]', 'fea0::1', 'fe90::1'];
    const no = ['11.0.0.1', '9.255.255.255', '172.15.255.255', '172.32.0.1', '192.167.1.1', '192.169.0.1', '169.253.0.1', '169.255.0.1', '168.254.0.1', '170.254.0.1', '[fec0::1]', '[fb00::1]', '[2001:db8::1]', '2001:db8::fc00', '2001:db8::fe80', '11.20.0.1', '11.168.0.1', '10.example.com', 'fd.example', 'localhost', '127.0.0.1'];
    for (const h of yes) assert.ok(isPrivateAddress(h), `${h} is private`);
    for (const h of no) assert.ok(!isPrivateAddress(h), `${h} is not private`);
  });

  it('registryOrigin: https unless loopback, a named insecure host (with or without port), or a test override', () => {
    assert.strictEqual(registryOrigin('docker.io', new Set()), 'https://registry-1.docker.io');
    assert.strictEqual(registryOrigin('ghcr.io', new Set()), 'https://ghcr.io');
    assert.strictEqual(registryOrigin('127.0.0.1:5000', new Set()), 'http://127.0.0.1:5000');
    assert.strictEqual(registryOrigin('reg.internal:5000', new Set(['reg.internal'])), 'http://reg.internal:5000', 'the hostname alone names every port');
    assert.strictEqual(registryOrigin('reg.internal:5000', new Set(['reg.internal:5000'])), 'http://reg.internal:5000');
    assert.strictEqual(registryOrigin('reg.internal:5000', new Set(['reg.internal:6000'])), 'https://reg.internal:5000', 'another port of the host is not named');
    assert.strictEqual(registryOrigin('reg.internal', new Set(['other.internal'])), 'https://reg.internal');
    assert.strictEqual(registryOrigin('ghcr.io', new Set(), new Map([['ghcr.io', '127.0.0.1:5000']])), 'http://127.0.0.1:5000');
    assert.strictEqual(registryOrigin('quay.io', new Set(), new Map([['ghcr.io', '127.0.0.1:5000']])), 'https://quay.io', 'an override is for its host only');
  });

  it('checkHostOverrides: loopback host:port targets only, host names lowercased', () => {
    assert.deepStrictEqual([...checkHostOverrides({ 'GHCR.io': '127.0.0.1:5000', 'quay.io': 'localhost:1' })], [['ghcr.io', '127.0.0.1:5000'], ['quay.io', 'localhost:1']]);
    assert.deepStrictEqual([...checkHostOverrides(undefined)], []);
    for (const target of ['10.0.0.1:5000', 'evil.example:80', '127.0.0.1', '127.0.0.1:5000/x', 'user@127.0.0.1:5000', '127.0.0.1:50a', ' 127.0.0.1:5000', '127.0.0.1:5000?x', '127.0.0.1:5000#x']) {
      assert.throws(() => checkHostOverrides({ 'ghcr.io': target }), (e: unknown) => e instanceof Error && e.message === `host override ghcr.io=${target}: the target must be a loopback host:port`, target);
    }
  });

  it('realmUnderHost: the registry host itself or a subdomain, not a look-alike', () => {
    assert.ok(realmUnderHost('ghcr.io', 'ghcr.io'));
    assert.ok(realmUnderHost('GHCR.IO', 'ghcr.io:443'));
    assert.ok(realmUnderHost('auth.ghcr.io', 'ghcr.io'));
    assert.ok(realmUnderHost('[::1]', '[::1]:5000'), 'a bracketed IPv6 realm host');
    assert.ok(!realmUnderHost('evilghcr.io', 'ghcr.io'), 'a suffix that is not a subdomain');
    assert.ok(!realmUnderHost('ghcr.io.evil.example', 'ghcr.io'));
    assert.ok(!realmUnderHost('ghcr.io', 'auth.ghcr.io'), 'the parent of the registry host');
    assert.ok(!realmUnderHost('xghcr.io', 'ghcr.io'));
    assert.ok(!realmUnderHost('gh[cr.io', 'ghcr.io'), 'only enclosing brackets are dropped');
    assert.ok(!realmUnderHost('gh]cr.io', 'ghcr.io'), 'only enclosing brackets are dropped');
  });
});
