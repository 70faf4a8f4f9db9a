// The device view: live charts of one device's readings (channel telemetry:ID) and of its 10 s
// aggregates (channel aggregates:ID), on a stream of their own that closes with the view.
import uPlot from '/vendor/uplot/uPlot.esm.js';
import { openStream, showState } from './stream.js';

const MAX_READINGS = 600;
const MAX_WINDOWS = 120;
const AGGREGATE_WINDOW = '10s';
const CHART_HEIGHT = 240;

export class DeviceView {
  /**
   * @param {Object} el panel, title, status, metricSelect, telemetryChart, aggregatesChart, closeButton
   * @param {string} token viewer token
   * @param {function()} onClose called after the view closed itself
   */
  constructor(el, token, onClose) {
    this.el = el;
    this.token = token;
    el.closeButton.addEventListener('click', () => {
      this.close();
      onClose();
    });
    el.metricSelect.addEventListener('change', () => this.showMetric(el.metricSelect.value));
    window.addEventListener('resize', () => this.resize());
  }

  open(deviceId) {
    this.close();
    this.deviceId = deviceId;
    this.readings = [];
    this.windows = new Map();
    this.metric = null;
    this.el.metricSelect.replaceChildren();
    this.el.panel.hidden = false;
    this.el.panel.dataset.deviceId = deviceId;
    this.el.title.textContent = deviceId;
    this.stream = openStream(
      [`telemetry:${deviceId}`, `aggregates:${deviceId}`],
      this.token,
      { telemetry: (r) => this.onReading(r), aggregate: (a) => this.onAggregate(a) },
      (state, detail) => showState(this.el.status, state, detail),
    );
  }

  close() {
    this.stream?.close();
    this.stream = null;
    this.destroyPlots();
    this.el.panel.hidden = true;
    delete this.el.panel.dataset.deviceId;
  }

  onReading(reading) {
    // After a reconnect the snapshot repeats the latest reading: (device, seq) names a reading.
    if (this.readings.some((r) => r.seq === reading.seq)) return;
    this.readings.push(reading);
    this.readings.sort((a, b) => a.time - b.time);
    if (this.readings.length > MAX_READINGS) this.readings.shift();
    Object.keys(reading.metrics).forEach((name) => this.noteMetric(name));
    this.redraw();
  }

  onAggregate(aggregate) {
    if (aggregate.window !== AGGREGATE_WINDOW) return;
    // A window is updated in place as its revision grows.
    this.windows.set(`${aggregate.metric}|${aggregate.start}`, aggregate);
    if (this.windows.size > MAX_WINDOWS * 8) {
      const oldest = [...this.windows.entries()].sort(([, a], [, b]) => a.start - b.start)[0];
      this.windows.delete(oldest[0]);
    }
    this.noteMetric(aggregate.metric);
    this.redraw();
  }

  noteMetric(name) {
    const select = this.el.metricSelect;
    if ([...select.options].some((o) => o.value === name)) return;
    select.append(new Option(name, name));
    if (!this.metric) this.showMetric(name);
  }

  showMetric(name) {
    this.metric = name;
    this.el.metricSelect.value = name;
    this.destroyPlots();
    const width = this.el.telemetryChart.clientWidth || 600;
    this.telemetryPlot = new uPlot(
      options(width, [{ label: name, stroke: '#2f6fdf', width: 1.5 }]),
      [[], []],
      this.el.telemetryChart,
    );
    this.aggregatesPlot = new uPlot(
      options(width, [
        { label: 'min', stroke: '#7fb0ff', width: 1 },
        { label: 'mean', stroke: '#1d3f8f', width: 2 },
        { label: 'max', stroke: '#e07b39', width: 1 },
      ]),
      [[], [], [], []],
      this.el.aggregatesChart,
    );
    this.redraw();
  }

  redraw() {
    if (!this.metric || !this.telemetryPlot) return;
    const metric = this.metric;
    const readings = this.readings.filter((r) => metric in r.metrics);
    this.telemetryPlot.setData([
      readings.map((r) => r.time / 1000),
      readings.map((r) => r.metrics[metric]),
    ]);
    const windows = [...this.windows.values()]
      .filter((a) => a.metric === metric)
      .sort((a, b) => a.start - b.start)
      .slice(-MAX_WINDOWS);
    this.aggregatesPlot.setData([
      windows.map((a) => a.start / 1000),
      windows.map((a) => a.min),
      windows.map((a) => a.mean),
      windows.map((a) => a.max),
    ]);
    this.el.telemetryChart.dataset.points = String(readings.length);
    this.el.aggregatesChart.dataset.points = String(windows.length);
    this.el.telemetryChart.dataset.metric = metric;
  }

  resize() {
    const width = this.el.telemetryChart.clientWidth;
    if (!width) return;
    this.telemetryPlot?.setSize({ width, height: CHART_HEIGHT });
    this.aggregatesPlot?.setSize({ width, height: CHART_HEIGHT });
  }

  destroyPlots() {
    this.telemetryPlot?.destroy();
    this.aggregatesPlot?.destroy();
    this.telemetryPlot = null;
    this.aggregatesPlot = null;
    this.el.telemetryChart.dataset.points = '0';
    this.el.aggregatesChart.dataset.points = '0';
  }
}

function options(width, series) {
  return {
    width,
    height: CHART_HEIGHT,
    scales: { x: { time: true } },
    series: [{}, ...series],
    legend: { live: true },
  };
}
