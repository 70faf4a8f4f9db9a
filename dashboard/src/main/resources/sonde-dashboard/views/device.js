// The device view: per metric, a live chart of raw readings and one of window aggregates (10 s or
// 1 min: a min–max band and the mean line), the device's alerts and its latest readings.
//
// History first: raw readings replay the last 10 minutes from Kafka (`since=10m` on the
// `telemetry:ID` channel), aggregates come from the REST history (an hour of 1 min windows, 10
// minutes of 10 s ones) merged with the `aggregates:ID` channel by revision. The subscriptions
// start before the REST call, so a window that changes meanwhile is not lost.
//
// The view counts what it receives in data- attributes of its panel (readings, first and last
// seq, duplicates, out of order): a reading is named by (device, seq), and with cursors none may
// come twice.
import uPlot from '/vendor/uplot/uPlot.esm.js';
import { el, formatAgo, formatNumber, formatTime, traceId } from './format.js';

const RAW_SINCE = '10m';
const RAW_SPAN_MS = 10 * 60 * 1000;
const MAX_READINGS = 3000;
const MAX_WINDOWS = 400;
const MAX_CHARTED_METRICS = 8;
const RECENT_ROWS = 15;
const HISTORY = { '10s': 10 * 60 * 1000, '1m': 60 * 60 * 1000 };
const CHART_HEIGHT = 170;

export class DeviceView {
  constructor(elements, { connection, api, fleet, alerts, frames, alertList, canRead }) {
    this.canRead = canRead;
    this.el = elements;
    this.connection = connection;
    this.api = api;
    this.fleet = fleet;
    this.alerts = alerts;
    this.frames = frames;
    this.alertList = alertList;
    this.window = elements.windowSelect.value;
    elements.windowSelect.addEventListener('change', () => {
      this.window = elements.windowSelect.value;
      this.schedule();
    });
    fleet.onChange((entry) => entry.id === this.deviceId && this.scheduleHead());
    alerts.onChange((alert) => alert.deviceId === this.deviceId && this.scheduleHead());
    new ResizeObserver(() => this.resize()).observe(elements.charts);
  }

  open(deviceId) {
    if (this.deviceId === deviceId) return;
    this.close();
    this.deviceId = deviceId;
    this.readings = [];
    this.seqs = new Set();
    this.windows = new Map();
    this.charts = new Map();
    this.counts = { duplicates: 0, outOfOrder: 0, lastSeq: null, firstSeq: null };
    this.el.panel.dataset.deviceId = deviceId;
    this.el.title.textContent = deviceId;
    this.el.charts.replaceChildren();
    this.el.notice.hidden = true;
    // Only channels the token allows: a refused one would break an event stream for all.
    const refused = [`telemetry:${deviceId}`, `aggregates:${deviceId}`].filter((c) => !this.canRead(c));
    if (refused.length) this.showNotice(`This token may not read ${refused.join(' or ')}.`);
    this.unsubscribe = [];
    if (this.canRead(`telemetry:${deviceId}`)) {
      this.unsubscribe.push(this.connection.subscribe(`telemetry:${deviceId}`, (e, d) => this.onTelemetry(e, d), { since: RAW_SINCE }));
    }
    if (this.canRead(`aggregates:${deviceId}`)) {
      this.unsubscribe.push(this.connection.subscribe(`aggregates:${deviceId}`, (e, d) => this.onAggregate(e, d)));
      this.loadHistory(deviceId);
    }
    this.scheduleHead();
    this.schedule();
  }

  close() {
    this.unsubscribe?.forEach((unsubscribe) => unsubscribe());
    this.unsubscribe = null;
    this.charts?.forEach((chart) => {
      chart.raw.destroy();
      chart.windows.destroy();
    });
    this.charts = new Map();
    this.deviceId = null;
    delete this.el.panel.dataset.deviceId;
  }

  async loadHistory(deviceId) {
    const now = Date.now();
    for (const window of Object.keys(HISTORY)) {
      try {
        const windows = await this.api.aggregates(deviceId, window, now - HISTORY[window]);
        if (this.deviceId !== deviceId) return;
        windows.forEach((aggregate) => this.merge(aggregate));
      } catch (error) {
        if (this.deviceId === deviceId) this.showNotice(`History of ${window} windows unavailable: ${error.message}`);
      }
    }
    this.schedule();
  }

  onTelemetry(event, reading) {
    if (event === 'error') return this.showNotice(`Readings: ${reading.message}`);
    if (event === 'gap') return this.showNotice('Some readings expired before they could be shown.');
    if (event !== 'telemetry') return;
    if (this.seqs.has(reading.seq)) {
      this.counts.duplicates += 1;
      return this.schedule();
    }
    if (this.counts.lastSeq !== null && reading.seq < this.counts.lastSeq) this.counts.outOfOrder += 1;
    this.counts.lastSeq = reading.seq;
    this.counts.firstSeq ??= reading.seq;
    this.seqs.add(reading.seq);
    this.readings.push(reading);
    if (this.readings.length > 1 && reading.time < this.readings.at(-2).time) {
      this.readings.sort((a, b) => a.time - b.time);
    }
    if (this.readings.length > MAX_READINGS) this.seqs.delete(this.readings.shift().seq);
    this.schedule();
  }

  onAggregate(event, aggregate) {
    if (event === 'error') return this.showNotice(`Aggregates: ${aggregate.message}`);
    if (event !== 'aggregate') return;
    this.merge(aggregate);
    this.schedule();
  }

  // A window is sent again as it changes, with a growing revision: keep the newest.
  merge(aggregate) {
    const key = `${aggregate.window}|${aggregate.metric}|${aggregate.start}`;
    const known = this.windows.get(key);
    if (known && known.revision >= aggregate.revision) return;
    this.windows.set(key, aggregate);
    if (this.windows.size > MAX_WINDOWS * MAX_CHARTED_METRICS) {
      let oldest = null;
      for (const [k, a] of this.windows) if (!oldest || a.start < oldest[1].start) oldest = [k, a];
      this.windows.delete(oldest[0]);
    }
  }

  showNotice(text) {
    this.el.notice.textContent = text;
    this.el.notice.hidden = false;
  }

  schedule() {
    this.frames.schedule('device-charts', () => this.draw());
  }

  scheduleHead() {
    this.frames.schedule('device-head', () => this.drawHead());
  }

  drawHead() {
    if (!this.deviceId) return;
    const state = this.fleet.get(this.deviceId)?.state;
    this.el.status.dataset.state = state ? (state.online ? 'online' : 'offline') : 'unknown';
    this.el.status.textContent = state ? (state.online ? 'online' : 'offline') : 'not seen yet';
    this.el.lastSeen.textContent = state ? `last seen ${formatAgo(state.lastSeen)}` : '';
    this.alertList.render(this.alerts.list().filter((a) => a.deviceId === this.deviceId));
  }

  draw() {
    if (!this.deviceId) return;
    const metrics = this.metricNames();
    for (const name of metrics) this.chart(name);
    for (const [name, chart] of this.charts) this.drawChart(name, chart);
    this.drawRecent();
    const data = this.el.panel.dataset;
    data.readings = String(this.seqs.size);
    data.firstSeq = String(this.counts.firstSeq ?? '');
    data.lastSeq = String(this.counts.lastSeq ?? '');
    data.duplicates = String(this.counts.duplicates);
    data.outOfOrder = String(this.counts.outOfOrder);
  }

  metricNames() {
    const names = new Set();
    for (const r of this.readings) Object.keys(r.metrics).forEach((n) => names.add(n));
    for (const a of this.windows.values()) names.add(a.metric);
    return [...names].sort().slice(0, MAX_CHARTED_METRICS);
  }

  chart(name) {
    if (this.charts.has(name)) return;
    const latest = el('span', { class: 'latest' });
    const rawBox = el('div', { class: 'chart', dataset: { kind: 'raw', metric: name, points: '0' } });
    const windowBox = el('div', { class: 'chart', dataset: { kind: 'windows', metric: name, points: '0' } });
    const card = el('section', { class: 'metric-card', 'aria-label': name },
      el('h3', {}, name, ' ', latest), rawBox, windowBox);
    this.el.charts.append(card);
    // The card's width: one column on narrow screens, half the view on wide ones.
    const width = rawBox.clientWidth || 600;
    const raw = new uPlot(
      chartOptions(width, () => this.rawRange(), [{ label: `${name} (reading)`, stroke: '#2563c9', width: 1.5 }]),
      [[], []],
      rawBox,
    );
    const windows = new uPlot(
      {
        ...chartOptions(width, () => this.windowRange(), [
          { label: 'min', stroke: '#8fb3e8', width: 1 },
          { label: 'mean', stroke: '#15336e', width: 2 },
          { label: 'max', stroke: '#8fb3e8', width: 1 },
        ]),
        bands: [{ series: [3, 1], fill: 'rgba(37, 99, 201, 0.15)' }],
      },
      [[], [], [], []],
      windowBox,
    );
    this.charts.set(name, { raw, windows, rawBox, windowBox, latest });
  }

  drawChart(name, chart) {
    const readings = this.readings.filter((r) => name in r.metrics);
    chart.raw.setData([readings.map((r) => r.time / 1000), readings.map((r) => r.metrics[name])]);
    chart.rawBox.dataset.points = String(readings.length);
    const windows = [...this.windows.values()]
      .filter((a) => a.metric === name && a.window === this.window)
      .sort((a, b) => a.start - b.start)
      .slice(-MAX_WINDOWS);
    chart.windows.setData([
      windows.map((a) => a.start / 1000),
      windows.map((a) => a.min),
      windows.map((a) => a.mean),
      windows.map((a) => a.max),
    ]);
    chart.windowBox.dataset.points = String(windows.length);
    chart.windowBox.dataset.window = this.window;
    const last = readings.at(-1);
    chart.latest.textContent = last ? formatNumber(last.metrics[name]) : '';
  }

  rawRange() {
    const last = (this.readings.at(-1)?.time ?? Date.now()) / 1000;
    const first = Math.max((this.readings[0]?.time ?? 0) / 1000, last - RAW_SPAN_MS / 1000);
    return [Math.min(first, last - MIN_SPAN_S), last];
  }

  windowRange() {
    const now = Date.now() / 1000;
    let oldest = now;
    for (const a of this.windows.values()) {
      if (a.window === this.window && a.start / 1000 < oldest) oldest = a.start / 1000;
    }
    const from = Math.max(oldest, now - HISTORY[this.window] / 1000);
    return [Math.min(from, now - 2 * MIN_SPAN_S), now];
  }

  drawRecent() {
    const rows = this.readings.slice(-RECENT_ROWS).reverse().map((r) =>
      el('tr', { dataset: { seq: r.seq } },
        el('td', {}, formatTime(r.time)),
        el('td', {}, String(r.seq)),
        el('td', {}, Object.entries(r.metrics).map(([k, v]) => `${k} ${formatNumber(v)}`).join(' · ')),
        traceCell(r.traceparent)));
    this.el.recent.replaceChildren(...rows);
  }

  resize() {
    this.charts?.forEach((chart) => {
      const width = chart.rawBox.clientWidth;
      if (!width) return;
      chart.raw.setSize({ width, height: CHART_HEIGHT });
      chart.windows.setSize({ width, height: CHART_HEIGHT });
    });
  }
}

// Time ranges of the charts (uPlot's x scale is in seconds). Readings: the 10 minutes up to the
// newest one, or less while there is less; windows: the history span of their size up to now.
// Fixed ranges keep one point from being stretched over years.
const MIN_SPAN_S = 60;

function chartOptions(width, range, series) {
  return {
    width,
    height: CHART_HEIGHT,
    scales: { x: { time: true, range } },
    // Room for values like 1,013.25 on the y axis.
    axes: [{}, { size: 64 }],
    series: [{}, ...series],
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
  };
}

// The reading's trace: the short id shown, the whole traceparent on hover (and in data-trace for
// tools), '–' when the reading carries none.
function traceCell(traceparent) {
  const id = traceId(traceparent);
  if (!id) return el('td', { class: 'trace muted' }, '–');
  return el('td', { class: 'trace', title: `trace ${id} (${traceparent})`, dataset: { trace: id } },
    id.slice(0, 8));
}
