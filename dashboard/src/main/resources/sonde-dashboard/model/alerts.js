// Every alert the page knows, by id: the `alerts` channel's events on top of the REST history.
// An alert episode is raised once and cleared once (same id); a cleared alert never becomes
// active again, so an `active` copy arriving after its `cleared` one (the REST answer racing the
// stream) is ignored.
//
// Bounded: at most `limit` alerts; beyond, the oldest cleared ones are forgotten (active ones
// never are; the processor holds at most one per rule and device).
//
// The REST history has no trace context; an event's `traceparent` is kept when the same alert
// arrives again from there.

export class AlertBook {
  constructor(limit = 2000) {
    this.limit = limit;
    this.alerts = new Map();
    this.listeners = [];
  }

  onChange(listener) {
    this.listeners.push(listener);
  }

  apply(alert) {
    const known = this.alerts.get(alert.id);
    if (known && known.state === 'cleared' && alert.state !== 'cleared') return;
    if (known?.traceparent && !alert.traceparent && known.state === alert.state) {
      alert = { ...alert, traceparent: known.traceparent };
    }
    this.alerts.set(alert.id, alert);
    if (this.alerts.size > this.limit) this.forgetOldestCleared();
    this.listeners.forEach((listener) => listener(alert));
  }

  /** Active alerts first (newest raised first), then cleared ones (newest cleared first). */
  list() {
    return [...this.alerts.values()].sort((a, b) => {
      if (a.state !== b.state) return a.state === 'active' ? -1 : 1;
      return a.state === 'active' ? b.raisedAt - a.raisedAt : b.clearedAt - a.clearedAt;
    });
  }

  activeCount(deviceId = null) {
    let n = 0;
    for (const alert of this.alerts.values()) {
      if (alert.state === 'active' && (deviceId === null || alert.deviceId === deviceId)) n += 1;
    }
    return n;
  }

  /** Active alerts per device id, counted once (for sorting a whole fleet by them). */
  activeCounts() {
    const counts = new Map();
    for (const alert of this.alerts.values()) {
      if (alert.state === 'active') counts.set(alert.deviceId, (counts.get(alert.deviceId) ?? 0) + 1);
    }
    return counts;
  }

  forgetOldestCleared() {
    let oldest = null;
    for (const alert of this.alerts.values()) {
      if (alert.state === 'cleared' && (!oldest || alert.clearedAt < oldest.clearedAt)) {
        oldest = alert;
      }
    }
    if (oldest) this.alerts.delete(oldest.id);
  }
}
