import * as assert from 'assert';
import { getEventListeners } from 'events';

import { RegistryError } from '../../src/core/registry/registryError';
import { formatSpeed, RequestGuard } from '../../src/core/registry/requestGuard';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the guard's signal is aborted (or `ms` pass), and says after how long. */
async function abortedWithin(guard: RequestGuard, ms: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (guard.signal.aborted) return Date.now() - started;
    await sleep(5);
  }
  return guard.signal.aborted ? Date.now() - started : undefined;
}

function isTimeout(e: unknown, message: RegExp): boolean {
  return e instanceof RegistryError && e.code === 'timeout' && message.test(e.message);
}

// The deadlines of one request attempt (a dripping registry used to keep a copy busy for days).
// Small real timers: each test waits well under a second.
describe('RequestGuard: deadlines and minimum speed of one attempt', () => {
  it('the overall deadline aborts the attempt with a timeout naming the request and the time', async () => {
    const parent = new AbortController();
    const g = new RequestGuard(parent.signal, { where: 'reg.example/v2/app/manifests/1', deadlineMs: 40, minBytesPerSecond: 0, windowMs: 1000 });
    let told: RegistryError | undefined;
    g.failed = (e) => (told = e);
    assert.strictEqual(g.signal.aborted, false);
    assert.strictEqual(g.error === undefined, true, 'no error yet');
    assert.notStrictEqual(await abortedWithin(g, 1000), undefined, 'aborted by the deadline');
    assert.ok(isTimeout(g.error, /^reg\.example\/v2\/app\/manifests\/1: no complete answer within 0\.0 s$/), String(g.error?.message));
    assert.strictEqual(g.signal.reason, g.error, 'the abort reason is the timeout');
    assert.strictEqual(told, g.error, 'the failed callback is told');
    assert.strictEqual(getEventListeners(parent.signal, 'abort').length, 0, 'the parent listener is gone after a failure');
  });

  it('the headers deadline fires unless the body starts first; startBody clears it', async () => {
    const b = new RequestGuard(new AbortController().signal, { where: 'w', headersDeadlineMs: 30, minBytesPerSecond: 0, windowMs: 1000 });
    assert.notStrictEqual(await abortedWithin(b, 1000), undefined);
    assert.ok(isTimeout(b.error, /^w: no answer within 0\.0 s$/), String(b.error?.message));
    const c = new RequestGuard(new AbortController().signal, { where: 'w', headersDeadlineMs: 30, minBytesPerSecond: 0, windowMs: 1000 });
    c.startBody();
    assert.strictEqual(await abortedWithin(c, 120), undefined, 'the body started: no headers deadline any more');
    assert.strictEqual(c.error, undefined);
    c.dispose();
  });

  it('no deadline given: nothing fires', async () => {
    const g = new RequestGuard(new AbortController().signal, { where: 'w', minBytesPerSecond: 0, windowMs: 50 });
    g.startBody();
    assert.strictEqual(await abortedWithin(g, 150), undefined);
    g.dispose();
  });

  it('a body below the minimum speed over a window fails with the bytes, the window and the minimum', async () => {
    const g = new RequestGuard(new AbortController().signal, { where: 'reg.example/v2/app/blobs/sha256:x', minBytesPerSecond: 2048, windowMs: 100 });
    g.startBody();
    g.count(10);
    assert.notStrictEqual(await abortedWithin(g, 1500), undefined, 'too slow');
    assert.ok(isTimeout(g.error, /^reg\.example\/v2\/app\/blobs\/sha256:x: too slow: 0 bytes in the last 0\.1 s, below the minimum 2 KiB\/s \(--min-speed\)$/), String(g.error?.message));
  });

  it('a body that keeps the minimum speed is never cut, however long it takes', async () => {
    const g = new RequestGuard(new AbortController().signal, { where: 'w', minBytesPerSecond: 1000, windowMs: 100 });
    g.startBody();
    const t = setInterval(() => g.count(50), 10); // 5000 B/s
    try {
      assert.strictEqual(await abortedWithin(g, 400), undefined, String(g.error?.message));
    } finally {
      clearInterval(t);
      g.dispose();
    }
  });

  it('a body just under the minimum over the window is cut', async () => {
    const g = new RequestGuard(new AbortController().signal, { where: 'w', minBytesPerSecond: 1000, windowMs: 100 });
    g.startBody();
    const t = setInterval(() => g.count(2), 10); // 200 B/s, a fifth of the minimum
    try {
      assert.notStrictEqual(await abortedWithin(g, 1500), undefined);
      assert.match(g.error!.message, /too slow: \d+ bytes in the last 0\.1 s, below the minimum 1000 B\/s/);
    } finally {
      clearInterval(t);
    }
  });

  it('minBytesPerSecond 0 turns the speed check off', async () => {
    const g = new RequestGuard(new AbortController().signal, { where: 'w', minBytesPerSecond: 0, windowMs: 20 });
    g.startBody();
    assert.strictEqual(await abortedWithin(g, 150), undefined);
    g.dispose();
  });

  it('the caller aborting aborts the attempt with the caller\'s reason; that is not a guard error', async () => {
    const parent = new AbortController();
    const g = new RequestGuard(parent.signal, { where: 'w', deadlineMs: 50, minBytesPerSecond: 0, windowMs: 1000 });
    assert.strictEqual(getEventListeners(parent.signal, 'abort').length, 1);
    const why = new Error('user pressed ^C');
    parent.abort(why);
    assert.strictEqual(g.signal.aborted, true);
    assert.strictEqual(g.signal.reason, why);
    assert.strictEqual(getEventListeners(parent.signal, 'abort').length, 0, 'a once listener: gone after it fired');
    await sleep(80);
    assert.strictEqual(g.error, undefined, 'the deadline after a caller abort changes nothing');
    g.dispose();
  });

  it('an already aborted caller signal: aborted from the start, no listener added', () => {
    const parent = new AbortController();
    parent.abort('gone');
    const g = new RequestGuard(parent.signal, { where: 'w', minBytesPerSecond: 0, windowMs: 1000 });
    assert.strictEqual(g.signal.aborted, true);
    assert.strictEqual(g.signal.reason, 'gone');
    assert.strictEqual(getEventListeners(parent.signal, 'abort').length, 0);
  });

  it('dispose stops every timer and removes the listener on the caller\'s signal', async () => {
    const parent = new AbortController();
    const g = new RequestGuard(parent.signal, { where: 'w', deadlineMs: 30, headersDeadlineMs: 30, minBytesPerSecond: 1000, windowMs: 50 });
    g.startBody();
    g.dispose();
    assert.strictEqual(getEventListeners(parent.signal, 'abort').length, 0);
    assert.strictEqual(await abortedWithin(g, 150), undefined, 'nothing fires after dispose');
    assert.strictEqual(g.error, undefined);
  });

  it('the first failure wins: a second one does not replace it or call back again', async () => {
    const g = new RequestGuard(new AbortController().signal, { where: 'w', deadlineMs: 20, headersDeadlineMs: 20, minBytesPerSecond: 0, windowMs: 1000 });
    let calls = 0;
    g.failed = () => calls++;
    await sleep(80);
    assert.strictEqual(calls, 1);
    assert.ok(g.error instanceof RegistryError);
  });

  it('formatSpeed: KiB/s from 1024 B/s (one decimal at most), B/s below', () => {
    assert.strictEqual(formatSpeed(1023), '1023 B/s');
    assert.strictEqual(formatSpeed(1024), '1 KiB/s');
    assert.strictEqual(formatSpeed(1536), '1.5 KiB/s');
    assert.strictEqual(formatSpeed(10 * 1024 + 51), '10 KiB/s');
    assert.strictEqual(formatSpeed(0), '0 B/s');
  });

  it('deadline messages: whole seconds without decimals, others with one', async () => {
    const whole = new RequestGuard(new AbortController().signal, { where: 'w', deadlineMs: 1000, minBytesPerSecond: 0, windowMs: 1000 });
    const part = new RequestGuard(new AbortController().signal, { where: 'w', deadlineMs: 1500, minBytesPerSecond: 0, windowMs: 1000 });
    assert.notStrictEqual(await abortedWithin(whole, 3000), undefined);
    assert.notStrictEqual(await abortedWithin(part, 3000), undefined);
    assert.strictEqual(whole.error?.message, 'w: no complete answer within 1 s');
    assert.strictEqual(part.error?.message, 'w: no complete answer within 1.5 s');
  });

  // The overall deadlines share one timer per duration (DeadlineList): a guard answered in
  // time leaves it, the others still fire, each no earlier than its own deadline, and once
  // none is armed no timer is left to keep the process alive.
  it('many attempts of one duration: those answered leave, the rest time out in order, and no timer is left', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await sleep(10); // mocha's own timeout timer for this test is armed by now
    const before = timers();
    const armed: { g: RequestGuard; at: number }[] = [];
    for (let i = 0; i < 6; i++) {
      armed.push({ g: new RequestGuard(undefined, { where: `w${i}`, deadlineMs: 60, minBytesPerSecond: 0, windowMs: 1000 }), at: performance.now() });
      await sleep(10);
    }
    assert.strictEqual(timers(), before + 1, 'one timer for the six of them');
    // The first (the head, which the timer waits for) and the fourth answer in time.
    armed[0].g.dispose();
    armed[3].g.dispose();
    const firedAt = new Map<number, number>();
    armed.forEach(({ g }, i) => (g.failed = () => firedAt.set(i, performance.now())));
    await sleep(200);
    assert.deepStrictEqual([...firedAt.keys()], [1, 2, 4, 5], 'the others timed out, in the order they were armed');
    for (const [i, t] of firedAt) assert.ok(t - armed[i].at >= 59, `w${i} fired after ${(t - armed[i].at).toFixed(1)} ms, not before its 60 ms`);
    assert.match(String(armed[5].g.error?.message), /^w5: no complete answer within 0\.1 s$/);
    assert.strictEqual(armed[3].g.error, undefined, 'an attempt answered in time never times out');
    assert.strictEqual(timers(), before, 'no timer left once none is armed');
    const answered = [1, 2, 3].map(() => new RequestGuard(undefined, { where: 'a', deadlineMs: 60, minBytesPerSecond: 0, windowMs: 1000 }));
    for (const g of answered) g.dispose();
    assert.strictEqual(timers(), before, 'every attempt answered: the timer is gone at once, not at the deadline');
    const late = new RequestGuard(undefined, { where: 'late', deadlineMs: 60, minBytesPerSecond: 0, windowMs: 1000 });
    assert.notStrictEqual(await abortedWithin(late, 1000), undefined, 'a duration used again gets a timer again');
  });

  it('an attempt armed while another times out (a retry) does not delay the deadlines already armed', async () => {
    const opts = (where: string) => ({ where, deadlineMs: 60, minBytesPerSecond: 0, windowMs: 1000 });
    const first = new RequestGuard(undefined, opts('first'));
    let retry: RequestGuard | undefined;
    first.failed = () => (retry = new RequestGuard(undefined, opts('retry')));
    await sleep(20);
    const second = new RequestGuard(undefined, opts('second'));
    const armed = performance.now();
    let firedAfter = 0;
    second.failed = () => (firedAfter = performance.now() - armed);
    await sleep(150);
    assert.ok(retry, 'the first timed out and armed a retry');
    assert.ok(firedAfter >= 59 && firedAfter < 100, `the second fired ${firedAfter.toFixed(1)} ms after it was armed, not at the retry's deadline`);
    assert.notStrictEqual(await abortedWithin(retry, 1000), undefined, 'the retry times out in its turn');
  });
});
