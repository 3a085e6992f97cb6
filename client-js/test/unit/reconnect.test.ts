// Full-jitter exponential backoff: bounds, jitter from the injected random source, the
// attempts limit, and option checking.

import assert from "node:assert/strict";
import { test } from "node:test";

import { Backoff, backoffDelay, reconnectSettings } from "../../src/reconnect.js";

test("defaults: enabled, 500 ms, 10 s, unlimited attempts, factor 2", () => {
  assert.deepEqual(reconnectSettings(), { enabled: true, minDelay: 500, maxDelay: 10000, attempts: Infinity, factor: 2 });
  assert.equal(reconnectSettings(false).enabled, false);
});

test("the cap grows by factor per attempt up to maxDelay", () => {
  const s = reconnectSettings({ minDelay: 100, maxDelay: 1000, factor: 3 });
  const almostOne = (): number => 0.9999999;
  assert.equal(backoffDelay(s, 0, almostOne), 99);
  assert.equal(backoffDelay(s, 1, almostOne), 299);
  assert.equal(backoffDelay(s, 2, almostOne), 899);
  assert.equal(backoffDelay(s, 3, almostOne), 999);
  assert.equal(backoffDelay(s, 50, almostOne), 999);
});

test("full jitter: delay = random() × cap, from 0", () => {
  const s = reconnectSettings({ minDelay: 500, maxDelay: 10000 });
  assert.equal(backoffDelay(s, 0, () => 0), 0);
  assert.equal(backoffDelay(s, 0, () => 0.5), 250);
  assert.equal(backoffDelay(s, 2, () => 0.25), 500);
  // out-of-range random values are clamped into [0, cap)
  assert.equal(backoffDelay(s, 0, () => -3), 0);
  assert.ok(backoffDelay(s, 0, () => 7) < 500);
  assert.equal(backoffDelay(s, 0, () => NaN), 0);
});

test("delays stay within [0, min(maxDelay, minDelay × factor^attempt)) for any random", () => {
  const s = reconnectSettings({ minDelay: 50, maxDelay: 3000, factor: 2 });
  let seed = 7;
  const random = (): number => {
    seed = (seed * 16807) % 2147483647;
    return (seed - 1) / 2147483646;
  };
  for (let attempt = 0; attempt < 20; attempt++) {
    const cap = Math.min(3000, 50 * Math.pow(2, attempt));
    for (let k = 0; k < 50; k++) {
      const d = backoffDelay(s, attempt, random);
      assert.ok(d >= 0 && d < cap, `attempt ${attempt}: ${d} not in [0, ${cap})`);
    }
  }
});

test("Backoff numbers attempts from 1, stops at the limit, and resets", () => {
  const b = new Backoff(reconnectSettings({ minDelay: 100, maxDelay: 1000, attempts: 3 }), () => 0.5);
  assert.deepEqual(b.next(), { attempt: 1, delay: 50 });
  assert.deepEqual(b.next(), { attempt: 2, delay: 100 });
  assert.deepEqual(b.next(), { attempt: 3, delay: 200 });
  assert.equal(b.next(), null);
  assert.equal(b.attempts, 3);
  b.reset();
  assert.deepEqual(b.next(), { attempt: 1, delay: 50 });
});

test("invalid settings are refused", () => {
  assert.throws(() => reconnectSettings({ minDelay: -1 }), RangeError);
  assert.throws(() => reconnectSettings({ minDelay: 100, maxDelay: 50 }), RangeError);
  assert.throws(() => reconnectSettings({ factor: 0.5 }), RangeError);
  assert.throws(() => reconnectSettings({ attempts: -1 }), RangeError);
});
