// Server-Sent Events transport: one EventSource on GET /v1/events per channel, so that each
// channel keeps a cursor of its own, the same cursor a WebSocket subscription or a poll of that
// channel uses: the page can change transport without a gap or a duplicate.
//
// EventSource would reconnect by itself, but only to the URL it was made with; the connection
// reconnects instead (with the newest cursor and its own backoff), so the first error ends the
// transport. The token goes in the cookie.
import { tokenCookie } from '../auth/token.js';

const EVENTS = ['telemetry', 'aggregate', 'alert', 'device'];

export class SseTransport {
  static NAME = 'sse';

  constructor(token, sink) {
    this.token = token;
    this.sink = sink;
    this.sources = new Map();
    this.closed = false;
    this.wasOpened = false;
  }

  subscribe(subscription) {
    const { channel } = subscription;
    this.sources.get(channel)?.close();
    const params = new URLSearchParams({ channel });
    if (subscription.cursor) params.set('lastEventId', subscription.cursor);
    else if (subscription.since) params.set('since', subscription.since);
    else params.set('snapshot', String(subscription.snapshot !== false));
    tokenCookie(this.token);
    const source = new EventSource(`/v1/events?${params}`);
    this.sources.set(channel, source);
    source.addEventListener('open', () => this.onOpen(channel));
    for (const name of EVENTS) {
      source.addEventListener(name, (e) => this.onEvent(channel, e.lastEventId, name, e.data));
    }
    source.addEventListener('gap', (e) => {
      if (!this.closed) this.sink.gap(channel, e.lastEventId, JSON.parse(e.data));
    });
    source.addEventListener('error', (e) => this.onError(e));
  }

  unsubscribe(channel) {
    this.sources.get(channel)?.close();
    this.sources.delete(channel);
  }

  close() {
    this.closed = true;
    this.sources.forEach((source) => source.close());
    this.sources.clear();
  }

  onOpen(channel) {
    if (this.closed) return;
    if (!this.wasOpened) {
      this.wasOpened = true;
      this.sink.opened();
    }
    this.sink.subscribed(channel);
  }

  onEvent(channel, id, name, data) {
    if (!this.closed) this.sink.event(channel, id, name, JSON.parse(data));
  }

  // Either the gateway ended the stream with a reason (an `error` event with data: slow,
  // shutdown) or the request failed (no data: network, a refused status, a proxy).
  onError(event) {
    if (this.closed) return;
    const reason = event.data ? JSON.parse(event.data).message : 'event stream failed';
    this.close();
    this.sink.ended({ reason });
  }
}
