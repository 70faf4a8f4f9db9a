// Long-poll transport: GET /v1/poll in a loop per channel, each answer's cursor passed to the next
// request. An answer lost on the way loses nothing: the next poll with the same cursor gets the same
// events again. The token goes in a header (fetch can set one, unlike EventSource and WebSocket).
const WAIT_SECONDS = 25;

export class PollTransport {
  static NAME = 'poll';

  constructor(token, sink) {
    this.token = token;
    this.sink = sink;
    this.loops = new Map();
    this.closed = false;
    this.wasOpened = false;
  }

  subscribe(subscription) {
    this.unsubscribe(subscription.channel);
    const loop = { channel: subscription.channel, abort: new AbortController() };
    this.loops.set(subscription.channel, loop);
    this.run(loop, subscription);
  }

  unsubscribe(channel) {
    this.loops.get(channel)?.abort.abort();
    this.loops.delete(channel);
  }

  close() {
    this.closed = true;
    this.loops.forEach((loop) => loop.abort.abort());
    this.loops.clear();
  }

  async run(loop, subscription) {
    let cursor = subscription.cursor;
    // The first request answers at once (wait=0), so a channel with nothing to say yet still
    // shows that the transport works.
    let wait = 0;
    while (!this.closed && this.loops.get(loop.channel) === loop) {
      const params = new URLSearchParams({ channel: loop.channel, wait: String(wait) });
      if (cursor) params.set('cursor', cursor);
      else if (subscription.since) params.set('since', subscription.since);
      else params.set('snapshot', String(subscription.snapshot !== false));
      let answer;
      try {
        answer = await this.fetch(params, loop.abort.signal);
      } catch (error) {
        if (!loop.abort.signal.aborted) this.end({ reason: error.message });
        return;
      }
      // Unsubscribed (or closed) while the answer was on its way: it is no longer wanted.
      if (loop.abort.signal.aborted) return;
      if (answer.failed) {
        this.end(answer.failed);
        return;
      }
      if (answer.refused) {
        this.loops.delete(loop.channel);
        this.sink.channelError(loop.channel, answer.refused.code, answer.refused.message);
        return;
      }
      this.onOpen();
      if (wait === 0) this.sink.subscribed(loop.channel);
      for (const e of answer.events) this.sink.event(e.channel, e.id, e.event, e.data);
      cursor = answer.cursor;
      this.sink.cursor(loop.channel, cursor);
      wait = WAIT_SECONDS;
    }
  }

  async fetch(params, signal) {
    const response = await fetch(`/v1/poll?${params}`, {
      headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json' },
      cache: 'no-store',
      signal,
    });
    if (response.ok) return response.json();
    const body = await response.json().catch(() => ({}));
    const reason = body.message ?? `HTTP ${response.status}`;
    if (response.status === 401) return { failed: { auth: 'refused', reason } };
    // Refusals of this channel alone (not allowed, a malformed cursor): the others go on.
    if (response.status === 403 || response.status === 400) {
      return { refused: { code: body.code ?? 'bad_request', message: reason } };
    }
    return { failed: { reason } };
  }

  onOpen() {
    if (this.closed || this.wasOpened) return;
    this.wasOpened = true;
    this.sink.opened();
  }

  end(outcome) {
    if (this.closed) return;
    this.close();
    this.sink.ended(outcome);
  }
}
