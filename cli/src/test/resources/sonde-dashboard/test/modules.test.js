// Tests of the dashboard's logic, run in the real Chromium by DashboardBrowserIT: the connection's
// fallback, reconnect and cursor rules (with scripted transports), the backoff bounds, the alert
// lifecycle and the channel patterns. Results go to <body data-passed data-failed> and #results.
import { Backoff } from '../net/backoff.js';
import { Connection } from '../net/connection.js';
import { AlertBook } from '../model/alerts.js';
import { Fleet } from '../model/fleet.js';
import { allows } from '../auth/token.js';
import { traceId } from '../views/format.js';

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const check = (condition, message) => {
  if (!condition) throw new Error(message);
};
const until = async (condition, what, ms = 3000) => {
  const end = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

// A seeded random source, so a failing property run can be repeated.
function seeded(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

test('backoff: each delay lies in [0, min(cap, base·2^n)), and reset starts over', () => {
  const random = seeded(7);
  for (let run = 0; run < 200; run++) {
    const b = new Backoff(100, 5000, random);
    for (let n = 0; n < 20; n++) {
      const d = b.next();
      check(d >= 0 && d < Math.min(5000, 100 * 2 ** n), `delay ${d} at step ${n}`);
    }
    b.reset();
    check(b.next() < 100, 'after reset the first step again');
  }
});

test('alerts: raised then cleared, a late active copy does not revive it', () => {
  const book = new AlertBook();
  const raised = { id: 'r/d/1', state: 'active', deviceId: 'd', raisedAt: 1 };
  book.apply(raised);
  check(book.activeCount() === 1 && book.activeCount('d') === 1, 'one active');
  book.apply({ ...raised, state: 'cleared', clearedAt: 5 });
  book.apply(raised);
  check(book.activeCount() === 0, 'still cleared');
  check(book.list().length === 1, 'one episode');
});

test('alerts: the REST copy of an alert keeps the trace its event named; a clear brings its own', () => {
  const book = new AlertBook();
  const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const raised = { id: 'r/d/2', state: 'active', deviceId: 'd', raisedAt: 1 };
  book.apply({ ...raised, traceparent: tp });
  book.apply(raised);
  check(book.list()[0].traceparent === tp, 'kept');
  book.apply({ ...raised, state: 'cleared', clearedAt: 5 });
  check(book.list()[0].traceparent === undefined, 'a clear without a trace names none');
});

test('alerts: bounded, the oldest cleared go first, active ones stay', () => {
  const book = new AlertBook(10);
  book.apply({ id: 'keep', state: 'active', deviceId: 'd', raisedAt: 0 });
  for (let i = 0; i < 50; i++) book.apply({ id: `c${i}`, state: 'cleared', deviceId: 'd', raisedAt: i, clearedAt: i });
  const ids = book.list().map((a) => a.id);
  check(ids.length === 10, `${ids.length} kept`);
  check(ids.includes('keep') && ids.includes('c49') && !ids.includes('c0'), ids.join());
});

test('fleet: an older state never replaces a newer one; sparklines are bounded', () => {
  const fleet = new Fleet();
  for (let t = 1; t <= 100; t++) fleet.apply({ deviceId: 'd', online: true, lastSeen: t, metrics: { a: t } });
  fleet.apply({ deviceId: 'd', online: true, lastSeen: 50, metrics: { a: -1 } });
  check(fleet.get('d').state.lastSeen === 100, 'newest kept');
  check(fleet.get('d').sparks.get('a').length === 40, 'forty points');
  fleet.apply({ deviceId: 'd', online: false, lastSeen: 100, metrics: { a: 100 } });
  check(fleet.get('d').state.online === false, 'going offline at the same lastSeen applies');
});

test('trace ids: only a well-formed, non-zero W3C traceparent names one', () => {
  check(traceId('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01') === '4bf92f3577b34da6a3ce929d0e0e4736', 'valid');
  for (const bad of [undefined, null, '', 42, '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
    '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"><b>',
    '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01']) {
    check(traceId(bad) === null, `not a trace: ${bad}`);
  }
});

test('channel patterns: * is any run of characters, everything else literal', () => {
  check(allows(['*'], 'telemetry:x'), '*');
  check(allows(['telemetry:*'], 'telemetry:dev.1') && !allows(['telemetry:*'], 'alerts'), 'prefix');
  check(allows(['alerts:plant-7-*'], 'alerts:plant-7-a') && !allows(['alerts:plant-7-*'], 'alerts:plant-70'), 'middle');
  check(!allows(['a.b'], 'axb') && allows(['a.b'], 'a.b'), 'dot is literal');
  check(!allows([], 'devices'), 'nothing allowed');
});

// Scripted transports over a model gateway: every channel has a log of numbered events; a
// subscription delivers from right after its cursor (or from the start). Each transport, when
// made, draws what it will do: fail before opening, or open, deliver some events and end. They
// do not stop when closed: late callbacks of a transport the connection has left must be ignored
// by the connection itself.
function world(random) {
  const logs = new Map();
  const made = [];
  const publish = (channel, n) => {
    const log = logs.get(channel) ?? [];
    for (let i = 0; i < n; i++) log.push(log.length + 1);
    logs.set(channel, log);
  };
  const transport = (name) =>
    class {
      static NAME = name;
      constructor(token, sink) {
        this.sink = sink;
        this.subs = new Map();
        this.closed = false;
        this.plan = random() < 0.3 ? { fails: true } : { events: Math.floor(random() * 12) };
        made.push(this);
        setTimeout(() => this.step(), random() * 3);
      }
      subscribe(sub) {
        this.subs.set(sub.channel, sub.cursor ? Number(sub.cursor) : 0);
      }
      unsubscribe(channel) {
        this.subs.delete(channel);
      }
      close() {
        this.closed = true;
      }
      step() {
        if (this.plan.fails) return this.sink.ended({ reason: 'refused' });
        this.sink.opened();
        let left = this.plan.events;
        const tick = () => {
          for (const [channel, at] of this.subs) {
            const log = logs.get(channel) ?? [];
            if (at < log.length && left > 0) {
              left -= 1;
              this.subs.set(channel, at + 1);
              this.sink.event(channel, String(at + 1), 'telemetry', { seq: log[at] });
            }
          }
          if (left > 0 && random() < 0.9) setTimeout(tick, 0);
          else this.sink.ended({ reason: 'dropped' });
        };
        setTimeout(tick, 0);
      }
    };
  return { publish, made, transports: [transport('ws'), transport('sse'), transport('poll')] };
}

test('connection: across random failures, fallbacks and reconnects every channel gets 1..N once, in order', async () => {
  for (let run = 0; run < 25; run++) {
    const random = seeded(1000 + run);
    const w = world(random);
    w.publish('a', 30);
    w.publish('b', 20);
    const connection = new Connection('t', () => {}, {
      transports: w.transports,
      backoff: new Backoff(1, 4, random),
      probeFirstMs: 5,
      random,
    });
    const got = { a: [], b: [] };
    connection.subscribe('a', (e, d) => got.a.push(d.seq));
    connection.subscribe('b', (e, d) => got.b.push(d.seq));
    connection.start();
    await until(() => got.a.length >= 30 && got.b.length >= 20, `run ${run}: a ${got.a.length}, b ${got.b.length}`, 10000);
    connection.stop();
    const expect = (n) => Array.from({ length: n }, (_, i) => i + 1).join();
    check(got.a.join() === expect(30), `run ${run} a: ${got.a.join()}`);
    check(got.b.join() === expect(20), `run ${run} b: ${got.b.join()}`);
  }
});

test('connection: a refused token ends it for good, with no retry', async () => {
  const states = [];
  let made = 0;
  class Refusing {
    static NAME = 'ws';
    constructor(token, sink) {
      made += 1;
      setTimeout(() => sink.ended({ auth: 'expired', reason: 'token_expired' }), 0);
    }
    subscribe() {}
    close() {}
  }
  const connection = new Connection('t', (s) => states.push(s), { transports: [Refusing, Refusing], backoff: new Backoff(1, 1) });
  connection.subscribe('devices', () => {});
  connection.start();
  await until(() => states.some((s) => s.state === 'offline'), 'offline');
  await new Promise((resolve) => setTimeout(resolve, 30));
  check(made === 1, `${made} transports made`);
  check(states.at(-1).auth === 'expired', JSON.stringify(states.at(-1)));
});

test('connection: on a fallback it probes the best transport and moves back once it opens', async () => {
  let wsWorks = false;
  const opened = [];
  const kind = (name, works) =>
    class {
      static NAME = name;
      constructor(token, sink) {
        this.sink = sink;
        setTimeout(() => (works() ? (opened.push(name), sink.opened()) : sink.ended({ reason: 'refused' })), 0);
      }
      subscribe() {}
      close() {}
    };
  const states = [];
  const connection = new Connection('t', (s) => states.push(s), {
    transports: [kind('ws', () => wsWorks), kind('sse', () => true)],
    probeFirstMs: 20,
  });
  connection.subscribe('devices', () => {});
  connection.start();
  await until(() => states.at(-1)?.transport === 'sse', 'on sse');
  wsWorks = true;
  await until(() => states.at(-1)?.transport === 'ws', 'back on ws', 5000);
  check(connection.stats.promotions === 1, `promotions ${connection.stats.promotions}`);
  connection.stop();
});

test('connection: a channel refused as unavailable is asked again, from its cursor', async () => {
  const subscribes = [];
  const errors = [];
  class Busy {
    static NAME = 'ws';
    constructor(token, sink) {
      this.sink = sink;
      setTimeout(() => sink.opened(), 0);
    }
    subscribe(sub) {
      subscribes.push(sub.cursor);
      if (subscribes.length > 1) return;
      setTimeout(() => {
        this.sink.event(sub.channel, 'c1', 'alert', {});
        this.sink.channelError(sub.channel, 'unavailable', 'history busy');
      }, 0);
    }
    close() {}
  }
  const connection = new Connection('t', () => {}, { transports: [Busy] });
  connection.subscribe('alerts', (event, data) => event === 'error' && errors.push(data.code));
  connection.start();
  await until(() => subscribes.length === 2, 'asked again', 5000);
  check(subscribes[1] === 'c1', `second subscribe from ${subscribes[1]}`);
  check(errors.join() === 'unavailable', `the view heard ${errors.join()}`);
  connection.stop();
});

const results = [];
let failed = 0;
for (const { name, fn } of tests) {
  try {
    await fn();
    results.push(`ok   ${name}`);
  } catch (error) {
    failed += 1;
    results.push(`FAIL ${name}: ${error.message}`);
  }
}
document.getElementById('results').textContent = results.join('\n');
document.body.dataset.failed = String(failed);
document.body.dataset.passed = String(tests.length - failed);
