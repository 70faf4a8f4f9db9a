// The alert feed: active alerts first, then cleared ones, with severity shown in words and in
// colour; filterable by severity and device. The page title carries the count of active alerts.
// Rows carry data-alert-id / data-state / data-severity / data-trace (the trace id of the event
// that raised or cleared it; hover shows it too), for people and for tests.
import { el, formatAgo, formatNumber, formatTime, traceId } from './format.js';

export const SEVERITIES = ['critical', 'major', 'minor', 'warning', 'info'];
const MAX_ROWS = 500;

/** Renders a list of alerts into a <tbody>; used by the feed and by the device view. */
export class AlertList {
  constructor(body, empty) {
    this.body = body;
    this.empty = empty;
  }

  render(alerts) {
    const rows = alerts.slice(0, MAX_ROWS).map((alert) =>
      el('tr', {
        dataset: { alertId: alert.id, state: alert.state, severity: alert.severity, trace: traceId(alert.traceparent) ?? '' },
        title: traceId(alert.traceparent) ? `trace ${traceId(alert.traceparent)}` : null,
      },
        el('td', {}, el('span', { class: 'severity', dataset: { severity: alert.severity } }, alert.severity)),
        el('td', { dataset: { field: 'state' } }, alert.state),
        el('td', {}, el('a', { href: `#/device/${encodeURIComponent(alert.deviceId)}` }, alert.deviceId)),
        el('td', {}, alert.ruleId),
        el('td', {}, alert.message || `${alert.metric ?? ''} ${formatNumber(alert.value)}`),
        el('td', { title: new Date(alert.raisedAt).toLocaleString() }, formatTime(alert.raisedAt)),
        el('td', {}, alert.state === 'cleared' ? formatAgo(alert.clearedAt) : '–')));
    this.body.replaceChildren(...rows);
    this.empty.hidden = rows.length > 0;
  }
}

export class AlertFeed {
  /** @param {Object} elements body, empty, severity (select), device (input), count, tab */
  constructor(elements, alerts, frames) {
    this.el = elements;
    this.alerts = alerts;
    this.frames = frames;
    this.list = new AlertList(elements.body, elements.empty);
    alerts.onChange(() => this.schedule());
    elements.severity.addEventListener('change', () => this.schedule());
    elements.device.addEventListener('input', () => this.schedule());
    this.schedule();
  }

  schedule() {
    this.frames.schedule('alert-feed', () => this.draw());
  }

  draw() {
    const severity = this.el.severity.value;
    const device = this.el.device.value.trim().toLowerCase();
    const shown = this.alerts.list().filter(
      (a) => (severity === 'all' || a.severity === severity) && a.deviceId.toLowerCase().includes(device),
    );
    this.list.render(shown);
    const active = this.alerts.activeCount();
    this.el.count.textContent = String(active);
    this.el.count.hidden = active === 0;
    document.title = active ? `(${active}) Sonde` : 'Sonde';
  }
}
