// The fleet table: one row per device, kept sorted by id, updated in place from `device` events.

// Rows carry data-device-id / data-online and cells data-field, for people and for tests.
import { formatAgo, formatMetrics } from './format.js';

const BY_ID = new Intl.Collator(undefined, { numeric: true });

export class FleetTable {
  /**
   * @param {HTMLElement} body the <tbody>
   * @param {HTMLElement} empty shown while no device is known
   * @param {HTMLElement} count shows the number of devices
   * @param {function(string)} onSelect called with a device id when a row is clicked
   */
  constructor(body, empty, count, onSelect) {
    this.body = body;
    this.empty = empty;
    this.count = count;
    this.devices = new Map();
    body.addEventListener('click', (event) => {
      const row = event.target.closest('tr[data-device-id]');
      if (row) onSelect(row.dataset.deviceId);
    });
    // "Last seen" is relative: refresh it even when no event arrives.
    setInterval(() => this.refreshTimes(), 1000);
  }

  /** Inserts or updates a device from a `device` event. */
  upsert(device) {
    let row = this.body.querySelector(`tr[data-device-id="${CSS.escape(device.deviceId)}"]`);
    if (!row) {
      row = this.createRow(device.deviceId);
      this.insertSorted(row);
    }
    this.devices.set(device.deviceId, device);
    row.dataset.online = String(device.online);
    const status = row.querySelector('[data-field="online"]');
    status.dataset.state = device.online ? 'online' : 'offline';
    status.textContent = device.online ? 'online' : 'offline';
    const lastSeen = row.querySelector('[data-field="last-seen"]');
    lastSeen.dataset.epochMs = String(device.lastSeen);
    lastSeen.textContent = formatAgo(device.lastSeen);
    row.querySelector('[data-field="metrics"]').textContent = formatMetrics(device.metrics);
    this.empty.hidden = true;
    this.count.textContent = `${this.devices.size} device${this.devices.size === 1 ? '' : 's'}`;
  }

  select(deviceId) {
    this.body.querySelectorAll('tr[data-device-id]').forEach((row) => {
      row.setAttribute('aria-selected', String(row.dataset.deviceId === deviceId));
    });
  }

  createRow(deviceId) {
    const row = document.createElement('tr');
    row.dataset.deviceId = deviceId;
    row.tabIndex = 0;
    row.innerHTML =
      '<td data-field="device-id"></td>' +
      '<td><span class="status" data-field="online"></span></td>' +
      '<td data-field="last-seen"></td>' +
      '<td data-field="metrics"></td>';
    row.querySelector('[data-field="device-id"]').textContent = deviceId;
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') row.click();
    });
    return row;
  }

  // Natural order, so that sim-2 comes before sim-10.
  insertSorted(row) {
    const id = row.dataset.deviceId;
    const next = [...this.body.children].find(
      (other) => BY_ID.compare(other.dataset.deviceId ?? '', id) > 0);
    this.body.insertBefore(row, next ?? null);
  }

  refreshTimes() {
    const now = Date.now();
    this.body.querySelectorAll('[data-field="last-seen"]').forEach((cell) => {
      cell.textContent = formatAgo(Number(cell.dataset.epochMs), now);
    });
  }
}
