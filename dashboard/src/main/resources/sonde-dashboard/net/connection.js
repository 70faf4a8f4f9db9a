// The page's one connection to the push gateway: the channels the views subscribe to, carried by
// the best transport that works, resumed by cursor after every break.
//
// Transports, best first: WebSocket, Server-Sent Events, long-poll. Each attempt starts with the
// best; a transport that fails before it opened hands over at once to the next, and when none
// opened (or an open one broke) the next attempt waits a full-jitter exponential backoff. So a
// proxy that refuses WebSockets costs one quick failure per reconnect. A page on a fallback
// transport probes the best one now and then (after 15 s, then less and less often, up to every 5
// min) and moves back to it once it opens: a long-poll that keeps working never breaks by itself.
//
// Every channel keeps the cursor of the last event it received (the same cursor on every
// transport), and a reconnect subscribes with it: the gateway continues right after that event,
// so nothing is missed and nothing comes twice. A channel that has received nothing yet has no
// cursor (WebSocket and SSE name positions only with events) and starts again as it first did
// (snapshot or `since`); its handler hears 'subscribed' each time the gateway takes a
// subscription, with {fresh: true} when it started without a cursor, so a view can reconcile
// (the alert feed asks the REST history again).
//
// The backoff starts over only once a transport has stayed open for STABLE_MS: a gateway that
// accepts and at once closes (too many streams, slow) is retried ever more slowly, not at once.
//
// Contract of a transport (ws-transport.js, sse-transport.js, poll-transport.js):
//   new Transport(token, sink); subscribe({channel, cursor, since, snapshot});
//   unsubscribe(channel); close(): after close the sink hears nothing more.
//   sink.opened()                           once, when the transport is known to work;
//   sink.event(channel, id, event, data)    per channel in the gateway's order;
//   sink.gap(channel, id, data)             the cursor had expired; data.channels names them;
//   sink.cursor(channel, cursor)            a newer position without an event (long-poll);
//   sink.subscribed(channel)                the gateway took the channel's subscription;
//   sink.channelError(channel, code, msg)   the channel alone was refused (forbidden, bad cursor,
//                                           unavailable: history cannot be read just now);
//   sink.ended({auth, reason})              once, the transport is gone; auth 'expired' or
//                                           'refused' when the token will not do.
// All calls happen on the page's main thread.
import { Backoff } from './backoff.js';
import { WsTransport } from './ws-transport.js';
import { SseTransport } from './sse-transport.js';
import { PollTransport } from './poll-transport.js';

export const TRANSPORTS = [WsTransport, SseTransport, PollTransport];
const OPEN_TIMEOUT_MS = 10000;
const PROBE_FIRST_MS = 15000;
const PROBE_MAX_MS = 300000;
const STABLE_MS = 10000;
// A channel refused as `unavailable` (the gateway cannot read its history just now) is asked again
// after a delay between these two.
const UNAVAILABLE_RETRY_MS = [1000, 3000];

export class Connection {
  /**
   * @param {string} token viewer token
   * @param {function({state: string, transport: ?string, detail: string, auth: ?string})} onState
   *     state is 'connecting', 'live', 'reconnecting' or 'offline' (the token will not do)
   */
  constructor(
    token,
    onState,
    { transports = TRANSPORTS, backoff = new Backoff(), probeFirstMs = PROBE_FIRST_MS, random = Math.random } = {},
  ) {
    this.token = token;
    this.onState = onState;
    this.transports = transports;
    this.backoff = backoff;
    this.probeFirstMs = probeFirstMs;
    this.random = random;
    this.subscriptions = new Map();
    this.attempt = null;
    this.stopped = true;
    this.newestDeviceTime = 0;
    this.probes = 0;
    this.stats = { events: 0, gaps: 0, reconnects: 0, fallbacks: 0, promotions: 0 };
  }

  /**
   * Receives `channel`'s events until the returned function is called.
   *
   * @param {function(string, object, ?string)} handler (event, data, id): event is an event name
   *     ('telemetry', 'aggregate', 'alert', 'device'), 'gap', 'subscribed' ({fresh}) or 'error'
   *     ({code, message}); an exception it throws is logged and stops nothing else
   * @param {{since: ?string, snapshot: ?boolean}} start where a first subscription starts; a
   *     resumed one continues from its cursor
   */
  subscribe(channel, handler, { since = null, snapshot = true } = {}) {
    const subscription = { channel, handler, since, snapshot, cursor: null };
    this.subscriptions.set(channel, subscription);
    this.attempt?.transport.subscribe(subscription);
    return () => {
      if (this.subscriptions.get(channel) !== subscription) return;
      this.subscriptions.delete(channel);
      this.attempt?.transport.unsubscribe(channel);
    };
  }

  start() {
    this.stopped = false;
    this.connect(0);
  }

  /** Ends the connection for good (the token ran out, the page is going away). */
  stop(reason = 'stopped') {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.retry);
    this.endAttempt();
    this.report('offline', reason);
  }

  connect(index) {
    this.endAttempt();
    const Transport = this.transports[index];
    const attempt = { index, opened: false, name: Transport.NAME };
    attempt.transport = new Transport(this.token, this.sink(attempt));
    attempt.openTimer = setTimeout(() => this.failed(attempt, { reason: 'no answer' }), OPEN_TIMEOUT_MS);
    this.attempt = attempt;
    this.report(this.stats.reconnects === 0 ? 'connecting' : 'reconnecting', `trying ${attempt.name}`);
    this.subscriptions.forEach((subscription) => attempt.transport.subscribe(subscription));
  }

  sink(attempt) {
    const current = () => this.attempt === attempt;
    return {
      opened: () => current() && this.opened(attempt),
      event: (channel, id, event, data) => current() && this.deliver(channel, id, event, data),
      gap: (channel, id, data) => current() && this.deliver(channel, id, 'gap', data),
      cursor: (channel, cursor) => {
        const subscription = current() && this.subscriptions.get(channel);
        if (subscription && cursor) subscription.cursor = cursor;
      },
      subscribed: (channel) => current() && this.subscribed(channel),
      channelError: (channel, code, message) => current() && this.refused(attempt, channel, code, message),
      ended: (outcome) => current() && this.failed(attempt, outcome),
    };
  }

  opened(attempt) {
    clearTimeout(attempt.openTimer);
    attempt.opened = true;
    attempt.stableTimer = setTimeout(() => this.backoff.reset(), STABLE_MS);
    this.report('live', `via ${attempt.name}`);
    if (attempt.index > 0) this.scheduleProbe(attempt);
    else this.probes = 0;
  }

  // Probe delays grow 15 s, 30 s, 60 s, ... up to 5 min, each ±25 %, so that the dashboards
  // behind one refusing proxy do not probe in step.
  scheduleProbe(attempt) {
    const step = Math.min(PROBE_MAX_MS, this.probeFirstMs * 2 ** Math.min(this.probes, 10));
    this.probes += 1;
    attempt.probeTimer = setTimeout(() => this.probe(attempt), step * (0.75 + this.random() / 2));
  }

  // Opens the best transport on the side with one channel and no snapshot; if it opens, the
  // connection moves over to it. The move closes the current transport first and resumes from
  // the cursors of what it delivered, so the move is seamless like any reconnect.
  probe(attempt) {
    if (this.attempt !== attempt) return;
    let settled = false;
    let timer = null;
    const settle = (works) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      probe.close();
      if (this.attempt !== attempt) return;
      if (works) {
        this.stats.promotions += 1;
        this.connect(0);
      } else {
        this.scheduleProbe(attempt);
      }
    };
    const ignore = () => {};
    const probe = new this.transports[0](this.token, {
      opened: () => settle(true),
      ended: () => settle(false),
      event: ignore, gap: ignore, cursor: ignore, subscribed: ignore, channelError: ignore,
    });
    const first = this.subscriptions.values().next().value;
    if (first) probe.subscribe({ channel: first.channel, snapshot: false });
    timer = setTimeout(() => settle(false), OPEN_TIMEOUT_MS);
  }

  deliver(channel, id, event, data) {
    const subscription = this.subscriptions.get(channel);
    if (!subscription) return;
    if (id) subscription.cursor = id;
    if (event === 'gap') this.stats.gaps += 1;
    else this.stats.events += 1;
    const deviceTime = event === 'telemetry' ? data.time : event === 'device' ? data.lastSeen : 0;
    if (deviceTime > this.newestDeviceTime) this.newestDeviceTime = deviceTime;
    this.call(subscription, event, data, id);
  }

  subscribed(channel) {
    const subscription = this.subscriptions.get(channel);
    if (subscription) this.call(subscription, 'subscribed', { fresh: !subscription.cursor });
  }

  // A view's bug must not stop the transport that called it (a long-poll loop would die).
  call(subscription, event, data, id) {
    try {
      subscription.handler(event, data, id);
    } catch (error) {
      console.error(`handling ${event} on ${subscription.channel} failed`, error);
    }
  }

  refused(attempt, channel, code, message) {
    const subscription = this.subscriptions.get(channel);
    if (!subscription) return;
    if (code === 'bad_request' && subscription.cursor) {
      // A cursor this gateway cannot read (a downgrade?): start the channel over.
      subscription.cursor = null;
      attempt.transport.subscribe(subscription);
      return;
    }
    if (code === 'unavailable') {
      const [low, high] = UNAVAILABLE_RETRY_MS;
      setTimeout(() => {
        if (this.attempt === attempt && this.subscriptions.get(channel) === subscription) {
          attempt.transport.subscribe(subscription);
        }
      }, low + this.random() * (high - low));
    }
    this.call(subscription, 'error', { code, message });
  }

  failed(attempt, outcome) {
    if (this.attempt !== attempt || this.stopped) return;
    this.endAttempt();
    if (outcome.auth) {
      this.stopped = true;
      clearTimeout(this.retry);
      this.report('offline', outcome.reason ?? '', outcome.auth);
      return;
    }
    if (!attempt.opened && attempt.index + 1 < this.transports.length) {
      this.stats.fallbacks += 1;
      this.connect(attempt.index + 1);
      return;
    }
    this.stats.reconnects += 1;
    const delay = this.backoff.next();
    this.report('reconnecting', `${attempt.name}: ${outcome.reason ?? 'closed'}; retry in ${delay} ms`);
    this.retry = setTimeout(() => this.connect(0), delay);
  }

  endAttempt() {
    if (!this.attempt) return;
    clearTimeout(this.attempt.openTimer);
    clearTimeout(this.attempt.probeTimer);
    clearTimeout(this.attempt.stableTimer);
    const { transport } = this.attempt;
    this.attempt = null;
    transport.close();
  }

  report(state, detail, auth = null) {
    const transport = this.attempt?.opened ? this.attempt.name : null;
    this.onState({ state, transport, detail, auth });
  }
}
