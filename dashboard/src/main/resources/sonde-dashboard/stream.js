// One Server-Sent Events stream of the push gateway (GET /v1/events). EventSource reconnects by
// itself (after the server's retry: hint) and sends Last-Event-ID; the gateway then starts again
// with a snapshot, so handlers must treat events as upserts.

/**
 * @param {string[]} channels e.g. ['devices'] or ['telemetry:dev-1', 'aggregates:dev-1']
 * @param {string} token viewer token (EventSource cannot set headers: it goes in the query)
 * @param {Object<string, function(object, string)>} handlers by event name: (data, id) => void
 * @param {function(string, string=)} onState 'connecting' | 'live' | 'reconnecting' | 'disconnected'
 * @returns {{close: function()}}
 */
export function openStream(channels, token, handlers, onState) {
  const params = new URLSearchParams();
  channels.forEach((channel) => params.append('channel', channel));
  params.set('access_token', token);
  const source = new EventSource(`/v1/events?${params}`);
  onState('connecting');

  source.addEventListener('open', () => onState('live'));
  source.addEventListener('error', (event) => {
    if (event.data) {
      // The gateway ended the stream with a reason (e.g. "slow", "shutdown"); EventSource will
      // reconnect on its own.
      onState('reconnecting', JSON.parse(event.data).message);
      return;
    }
    // A closed EventSource gave up: e.g. 401/403 (token expired or not allowed).
    onState(source.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting');
  });
  for (const [name, handle] of Object.entries(handlers)) {
    source.addEventListener(name, (event) => handle(JSON.parse(event.data), event.lastEventId));
  }
  return { close: () => source.close() };
}

/** Shows a stream state on an indicator element (data-state drives its colour). */
export function showState(element, state, detail) {
  element.dataset.state = state;
  element.textContent = state;
  element.title = detail ?? '';
}
