// The connection indicator: state (connecting, live, reconnecting, offline), the transport in use,
// and the age of the newest event (its device time to now), refreshed every second. Its element
// carries data-state / data-transport for tests.
import { formatAge } from './format.js';

const LABELS = {
  connecting: 'connecting',
  live: 'live',
  reconnecting: 'reconnecting',
  offline: 'offline',
};

export class StatusView {
  constructor(elements, connection) {
    this.el = elements;
    this.connection = connection;
    setInterval(() => this.showAge(), 1000);
  }

  show({ state, transport, detail }) {
    const { indicator, transport: transportEl } = this.el;
    indicator.dataset.state = state;
    indicator.textContent = LABELS[state] ?? state;
    indicator.title = detail ?? '';
    indicator.dataset.transport = transport ?? '';
    transportEl.textContent = transport ? `via ${transport.toUpperCase()}` : '';
  }

  showAge() {
    const newest = this.connection.newestDeviceTime;
    this.el.age.textContent = newest ? `newest event ${formatAge(Date.now() - newest)} old` : '';
  }
}
