// The fleet table: one row per device (online state, time since last seen, active alerts, last
// values with a sparkline per key metric), sortable by any column and filterable.
//
// Events only mark rows as changed; the rows are written in the next animation frame (see
// frame.js), and the order is recomputed at most once per second while values move, at once when
// a device appears or the sort or filter changes. Rows carry data-device-id / data-online and
// cells data-field, for people and for tests.
import { SPARK_METRICS } from '../model/fleet.js';
import { el, formatAgo, formatNumber } from './format.js';
import { drawSparkline, sparkline } from './sparkline.js';

const BY_ID = new Intl.Collator(undefined, { numeric: true });
const REORDER_EVERY_MS = 1000;
const SORTS = {
  device: (a, b) => BY_ID.compare(a.id, b.id),
  status: (a, b) => Number(b.state.online) - Number(a.state.online),
  'last-seen': (a, b) => b.state.lastSeen - a.state.lastSeen,
  alerts: (a, b, alerts) => alerts.activeCount(b.id) - alerts.activeCount(a.id),
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
    this.sort = { key: 'device', descending: false };
    this.lastOrder = 0;
    fleet.onChange((entry) => this.changed(entry.id, !this.rows.has(entry.id)));
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
    // "Last seen" is relative: refresh it even when no event arrives.
    setInterval(() => frames.schedule('fleet-times', () => this.refreshTimes()), 1000);
  }

  changed(deviceId, isNew) {
    this.frames.schedule(`fleet-row:${deviceId}`, () => this.writeRow(deviceId));
    const sortMoves = this.sort.key !== 'device' || this.el.status.value !== 'all';
    if (isNew) this.reorder();
    else if (sortMoves && Date.now() - this.lastOrder > REORDER_EVERY_MS) this.reorder();
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
    const shown = [...this.fleet.values()]
      .filter((entry) => entry.id.toLowerCase().includes(text) && this.passes(entry, status))
      .sort((a, b) => sign * compare(a, b, this.alerts) || BY_ID.compare(a.id, b.id));
    const rows = shown.map((entry) => this.row(entry.id));
    const current = this.el.body.children;
    const same = rows.length === current.length && rows.every((row, i) => current[i] === row);
    if (!same) this.el.body.replaceChildren(...rows);
    this.el.empty.hidden = this.fleet.size > 0;
    const n = this.fleet.size;
    this.el.count.textContent =
      `${n} device${n === 1 ? '' : 's'}` + (shown.length < n ? ` (${shown.length} shown)` : '');
  }

  passes(entry, status) {
    if (status === 'online') return entry.state.online;
    if (status === 'offline') return !entry.state.online;
    if (status === 'alerting') return this.alerts.activeCount(entry.id) > 0;
    return true;
  }

  row(deviceId) {
    let row = this.rows.get(deviceId);
    if (!row) {
      row = el(
        'tr',
        { tabindex: 0, dataset: { deviceId } },
        el('td', { dataset: { field: 'device-id' } }, el('a', { href: `#/device/${encodeURIComponent(deviceId)}`, tabindex: -1 }, deviceId)),
        el('td', {}, el('span', { class: 'status', dataset: { field: 'online' } })),
        el('td', { dataset: { field: 'last-seen' } }),
        el('td', { dataset: { field: 'alerts' } }),
        el('td', { dataset: { field: 'metrics' } }),
      );
      row.sparks = new Map();
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
    row.dataset.online = String(state.online);
    const status = row.querySelector('[data-field="online"]');
    status.dataset.state = state.online ? 'online' : 'offline';
    status.textContent = state.online ? 'online' : 'offline';
    const lastSeen = row.querySelector('[data-field="last-seen"]');
    lastSeen.dataset.epochMs = String(state.lastSeen);
    lastSeen.textContent = formatAgo(state.lastSeen);
    const active = this.alerts.activeCount(deviceId);
    const alertCell = row.querySelector('[data-field="alerts"]');
    alertCell.textContent = active ? String(active) : '–';
    alertCell.dataset.active = String(active);
    this.writeMetrics(row, entry);
  }

  writeMetrics(row, entry) {
    const cell = row.querySelector('[data-field="metrics"]');
    const names = Object.keys(entry.state.metrics ?? {}).sort();
    const chips = names.map((name, i) => {
      const chip = el('span', { class: 'metric' }, el('span', { class: 'metric-name' }, name), ' ', el('span', { class: 'metric-value' }, formatNumber(entry.state.metrics[name])));
      if (i < SPARK_METRICS) {
        let svg = row.sparks.get(name);
        if (!svg) {
          svg = sparkline(`${name}, recent values`);
          row.sparks.set(name, svg);
        }
        drawSparkline(svg, entry.sparks.get(name) ?? []);
        chip.append(svg);
      }
      return chip;
    });
    cell.replaceChildren(...chips);
  }

  refreshTimes() {
    const now = Date.now();
    this.el.body.querySelectorAll('[data-field="last-seen"]').forEach((cell) => {
      cell.textContent = formatAgo(Number(cell.dataset.epochMs), now);
    });
  }
}
