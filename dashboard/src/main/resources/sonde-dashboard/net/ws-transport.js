// WebSocket transport: one socket to GET /v1/ws carrying every subscription, each with its own
// cursor. Contract of every transport: see connection.js. The token goes in the cookie.
import { tokenCookie } from '../auth/token.js';

// The gateway pings after 15 s of silence, but a browser cannot see those pings; an application
// ping finds a connection that died without a close (a laptop lid, a dead proxy) within
// PING_EVERY + PONG_WITHIN.
const PING_EVERY_MS = 20000;
const PONG_WITHIN_MS = 10000;
// Close codes that mean the token will not do; reconnecting with it cannot help.
const TOKEN_EXPIRED = 4001;
const POLICY_VIOLATION = 1008;

export class WsTransport {
  static NAME = 'ws';

  constructor(token, sink) {
    this.sink = sink;
    this.closed = false;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    tokenCookie(token);
    this.socket = new WebSocket(`${scheme}://${location.host}/v1/ws`);
    this.pending = [];
    this.socket.addEventListener('open', () => this.onOpen());
    this.socket.addEventListener('message', (message) => this.onMessage(message.data));
    this.socket.addEventListener('close', (event) => this.onClose(event));
  }

  subscribe(subscription) {
    const op = { op: 'subscribe', channel: subscription.channel };
    if (subscription.cursor) op.cursor = subscription.cursor;
    else if (subscription.since) op.since = subscription.since;
    else op.snapshot = subscription.snapshot !== false;
    this.send(op);
  }

  unsubscribe(channel) {
    this.send({ op: 'unsubscribe', channel });
  }

  close() {
    this.closed = true;
    clearInterval(this.pinger);
    clearTimeout(this.pongDue);
    this.socket.close(1000, 'bye');
  }

  send(op) {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(op));
    else this.pending.push(op);
  }

  onOpen() {
    if (this.closed) return;
    this.pending.splice(0).forEach((op) => this.socket.send(JSON.stringify(op)));
    this.pinger = setInterval(() => this.ping(), PING_EVERY_MS);
    this.sink.opened();
  }

  ping() {
    this.send({ op: 'ping' });
    clearTimeout(this.pongDue);
    this.pongDue = setTimeout(() => this.fail('no pong from the gateway'), PONG_WITHIN_MS);
  }

  onMessage(text) {
    if (this.closed) return;
    const message = JSON.parse(text);
    switch (message.op) {
      case 'event':
        this.sink.event(message.channel, message.id, message.event, message.data);
        break;
      case 'gap':
        this.sink.gap(message.channel, message.id, message);
        break;
      case 'error':
        this.onError(message);
        break;
      case 'subscribed':
        this.sink.subscribed(message.channel);
        break;
      case 'pong':
        clearTimeout(this.pongDue);
        break;
      default:
        // unsubscribed, refreshed: nothing to do.
        break;
    }
  }

  onError(message) {
    if (message.code === 'unauthenticated') {
      this.end({ auth: 'refused', reason: message.message });
    } else if (message.channel) {
      this.sink.channelError(message.channel, message.code, message.message);
    }
  }

  fail(reason) {
    this.end({ reason });
    this.socket.close(4000, 'client gave up');
  }

  onClose(event) {
    if (event.code === TOKEN_EXPIRED) this.end({ auth: 'expired', reason: event.reason });
    else if (event.code === POLICY_VIOLATION) this.end({ auth: 'refused', reason: event.reason });
    else this.end({ reason: event.reason || `closed (${event.code})` });
  }

  end(outcome) {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pinger);
    clearTimeout(this.pongDue);
    this.sink.ended(outcome);
  }
}
