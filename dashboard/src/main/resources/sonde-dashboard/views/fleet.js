// The fleet table: one row per device (online state, time since last seen, active alerts, last
// values with a sparkline per key metric), sortable by any column and filterable.
//
// Events only mark rows as changed; the rows are written in the next animation frame (see
// frame.js), and the order is recomputed at most once per second while values move, at once when
// a device appears or the sort or filter changes.
//
// Windowed: rows have a fixed height (styles.css), and only the rows in the scrolled window (plus
// OVERSCAN on each side) are in the DOM, between two spacer rows that keep the scroll height
// true. A row that scrolls into the window is brought up to date then. So a fleet of thousands
// costs the browser what the rows in sight cost: a thousand rows in one table made every text
// change re-lay out all of them (measured: frames of 300+ ms). The table's data-devices and
// data-rendered say how many rows it holds and shows. Rows carry data-device-id / data-online
// and cells data-field, for people and for tests.
import { SPARK_METRICS } from '../model/fleet.js';
import { el, formatAgo, formatNumber } from './format.js';
import { drawSparkline, sparkline } from './sparkline.js';

const BY_ID = new Intl.Collator(undefined, { numeric: true });
const REORDER_EVERY_MS = 1000;
const OVERSCAN = 8;
const SORTS = {
  device: (a, b) => BY_ID.compare(a.id, b.id),
  status: (a, b) => Number(b.state.online) - Number(a.state.online),
  'last-seen': (a, b) => b.state.lastSeen - a.state.lastSeen,
  alerts: (a, b, active) => (active.get(b.id) ?? 0) - (active.get(a.id) ?? 0),
};

export class FleetView {
  /**
   * @param {Object} el body (tbody), empty, count, filter (input), status (select), headers
   *     (buttons with data-sort)
   * @param {function(string)} onOpen called with a device id when a row is chosen
   */
  constructor(elements, fleet, alerts, frames, onOpen) {
    this.el = elements;
    this.fleet = fleet;
    this.alerts = alerts;
    this.frames = frames;
    this.rows = new Map();
    this.order = [];
    this.visible = new Set();
    this.stale = new Set();
    this.rowHeight = 0;
    this.top = spacer();
    this.bottom = spacer();
    this.sort = { key: 'device', descending: false };
    this.lastOrder = 0;
    fleet.onChange((entry, isNew) => this.changed(entry.id, isNew));
    alerts.onChange((alert) => this.fleet.get(alert.deviceId) && this.changed(alert.deviceId, false));
    elements.body.addEventListener('click', (event) => {
      const row = event.target.closest('tr[data-device-id]');
      if (row) onOpen(row.dataset.deviceId);
    });
    elements.body.addEventListener('keydown', (event) => {
      const row = event.target.closest('tr[data-device-id]');
      if (row && event.key === 'Enter') onOpen(row.dataset.deviceId);
    });
    elements.filter.addEventListener('input', () => this.reorder());
    elements.status.addEventListener('change', () => this.reorder());
    elements.headers.forEach((button) =>
      button.addEventListener('click', () => this.sortBy(button.dataset.sort)),
    );
    elements.scroller.addEventListener('scroll', () => this.scheduleWindow(), { passive: true });
    new ResizeObserver(() => {
      this.rowHeight = 0;
      this.scheduleWindow();
    }).observe(elements.scroller);
    // "Last seen" is relative: refresh it even when no event arrives.
    setInterval(() => frames.schedule('fleet-times', () => this.refreshTimes()), 1000);
  }

  changed(deviceId, isNew) {
    if (this.visible.has(deviceId)) this.frames.schedule(`fleet-row:${deviceId}`, () => this.writeRow(deviceId));
    else this.stale.add(deviceId);
    const sortMoves = this.sort.key !== 'device' || this.el.status.value !== 'all';
    if (isNew) this.reorder();
    else if (sortMoves) this.reorderSoon();
  }

  // At most once per REORDER_EVERY_MS while values move, and once more after the last change,
  // so the order is never left stale when events go quiet.
  reorderSoon() {
    if (this.reorderTimer) return;
    const wait = Math.max(0, this.lastOrder + REORDER_EVERY_MS - Date.now());
    this.reorderTimer = setTimeout(() => {
      this.reorderTimer = null;
      this.reorder();
    }, wait);
  }

  sortBy(key) {
    this.sort =
      this.sort.key === key
        ? { key, descending: !this.sort.descending }
        : { key, descending: false };
    this.el.headers.forEach((button) => {
      const th = button.closest('th');
      const sorted = button.dataset.sort === key;
      th.setAttribute('aria-sort', sorted ? (this.sort.descending ? 'descending' : 'ascending') : 'none');
    });
    this.reorder();
  }

  reorder() {
    this.lastOrder = Date.now();
    this.frames.schedule('fleet-order', () => this.writeOrder());
  }

  writeOrder() {
    const text = this.el.filter.value.trim().toLowerCase();
    const status = this.el.status.value;
    const compare = SORTS[this.sort.key];
    const sign = this.sort.descending ? -1 : 1;
    const active = this.alerts.activeCounts();
    const shown = [...this.fleet.values()]
      .filter((entry) => entry.id.toLowerCase().includes(text) && this.passes(entry, status, active))
      .sort((a, b) => sign * compare(a, b, active) || BY_ID.compare(a.id, b.id));
    this.order = shown.map((entry) => entry.id);
    this.writeWindow();
    this.el.empty.hidden = this.fleet.size > 0;
    const n = this.fleet.size;
    this.el.count.textContent =
      `${n} device${n === 1 ? '' : 's'}` + (shown.length < n ? ` (${shown.length} shown)` : '');
  }

  scheduleWindow() {
    this.frames.schedule('fleet-window', () => this.writeWindow());
  }

  /** Puts the rows of the scrolled window in the table, between the two spacers. */
  writeWindow() {
    const { scroller, body } = this.el;
    const height = this.rowHeight || this.measureRow();
    const count = Math.ceil(scroller.clientHeight / height) + 2 * OVERSCAN;
    // Clamped: after a filter shrank the list while scrolled down, show its end, not blanks.
    const first = Math.max(
      0,
      Math.min(Math.floor(scroller.scrollTop / height) - OVERSCAN, this.order.length - count),
    );
    const ids = this.order.slice(first, first + count);
    this.visible = new Set(ids);
    const rows = ids.map((id) => {
      if (this.stale.delete(id)) this.writeRow(id);
      return this.row(id).tr;
    });
    this.top.style.height = `${first * height}px`;
    this.bottom.style.height = `${Math.max(0, this.order.length - first - ids.length) * height}px`;
    const current = body.children;
    const same =
      current.length === rows.length + 2 && rows.every((row, i) => current[i + 1] === row);
    if (!same) body.replaceChildren(this.top, ...rows, this.bottom);
    body.closest('table').dataset.devices = String(this.order.length);
    body.closest('table').dataset.rendered = String(rows.length);
  }

  // The fixed row height of the current layout (desktop or phone), read once per resize.
  measureRow() {
    const probe = this.order.length ? this.row(this.order[0]).tr : null;
    if (!probe) return 40;
    if (!probe.isConnected) this.el.body.append(probe);
    this.rowHeight = probe.getBoundingClientRect().height || 40;
    return this.rowHeight;
  }

  passes(entry, status, active) {
    if (status === 'online') return entry.state.online;
    if (status === 'offline') return !entry.state.online;
    if (status === 'alerting') return active.has(entry.id);
    return true;
  }

  /** The row of a device: its <tr> and the parts a write touches, made on first use. */
  row(deviceId) {
    let row = this.rows.get(deviceId);
    if (!row) {
      const tr = el(
        'tr',
        { tabindex: 0, dataset: { deviceId } },
        el('td', { dataset: { field: 'device-id' } }, el('a', { href: `#/device/${encodeURIComponent(deviceId)}`, tabindex: -1 }, deviceId)),
        el('td', {}, el('span', { class: 'status', dataset: { field: 'online' } })),
        el('td', { dataset: { field: 'last-seen' } }),
        el('td', { dataset: { field: 'alerts' } }),
        el('td', { dataset: { field: 'metrics' } }),
      );
      const field = (name) => tr.querySelector(`[data-field="${name}"]`);
      row = {
        tr,
        online: field('online'),
        lastSeen: field('last-seen'),
        alerts: field('alerts'),
        metrics: field('metrics'),
        chips: new Map(),
        metricNames: '',
      };
      this.rows.set(deviceId, row);
      this.writeRow(deviceId);
    }
    return row;
  }

  writeRow(deviceId) {
    const entry = this.fleet.get(deviceId);
    const row = this.rows.get(deviceId);
    if (!entry || !row) return;
    const { state } = entry;
    const online = state.online ? 'online' : 'offline';
    if (row.online.textContent !== online) {
      row.tr.dataset.online = String(state.online);
      row.online.dataset.state = online;
      row.online.textContent = online;
    }
    row.lastSeen.dataset.epochMs = String(state.lastSeen);
    row.lastSeen.textContent = formatAgo(state.lastSeen);
    const active = this.alerts.activeCount(deviceId);
    row.alerts.textContent = active ? String(active) : '–';
    row.alerts.dataset.active = String(active);
    this.writeMetrics(row, entry);
  }

  // One chip per metric, made once and then only given new text (and a new sparkline path).
  writeMetrics(row, entry) {
    const metrics = entry.state.metrics ?? {};
    const names = Object.keys(metrics).sort();
    if (names.join('|') !== row.metricNames) {
      row.metricNames = names.join('|');
      row.chips = new Map(names.map((name, i) => [name, chip(name, i < SPARK_METRICS)]));
      row.metrics.replaceChildren(...[...row.chips.values()].map((c) => c.element));
    }
    for (const [name, c] of row.chips) {
      c.value.textContent = formatNumber(metrics[name]);
      if (c.spark) drawSparkline(c.spark, entry.sparks.get(name) ?? []);
    }
  }

  refreshTimes() {
    const now = Date.now();
    for (const deviceId of this.visible) {
      const cell = this.rows.get(deviceId)?.lastSeen;
      if (cell) cell.textContent = formatAgo(Number(cell.dataset.epochMs), now);
    }
  }
}

function spacer() {
  return el('tr', { class: 'spacer', 'aria-hidden': 'true' }, el('td', { colspan: 5 }));
}

function chip(name, withSparkline) {
  const value = el('span', { class: 'metric-value' });
  const spark = withSparkline ? sparkline(`${name}, recent values`) : null;
  const element = el('span', { class: 'metric' }, el('span', { class: 'metric-name' }, name), ' ', value, spark);
  return { element, value, spark };
}
