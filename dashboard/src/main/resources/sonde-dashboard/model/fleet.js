// Every device the page knows, from `device` events: its latest state and, per metric, the last
// values seen (for the fleet's sparklines).
//
// Bounded: SPARK_POINTS values per metric, SPARK_METRICS metrics per device (the first by name,
// the ones the fleet draws), MAX_DEVICES devices (beyond, new ones are counted, not kept).
const SPARK_POINTS = 40;
export const SPARK_METRICS = 3;
const MAX_DEVICES = 20000;

export class Fleet {
  constructor() {
    this.devices = new Map();
    this.listeners = [];
    this.refused = 0;
  }

  onChange(listener) {
    this.listeners.push(listener);
  }

  get size() {
    return this.devices.size;
  }

  get(deviceId) {
    return this.devices.get(deviceId);
  }

  values() {
    return this.devices.values();
  }

  /**
   * Applies a `device` event; a state older than the known one changes nothing. Listeners hear
   * (entry, isNew).
   */
  apply(device) {
    let entry = this.devices.get(device.deviceId);
    const isNew = !entry;
    if (!entry) {
      if (this.devices.size >= MAX_DEVICES) {
        this.refused += 1;
        return;
      }
      entry = { id: device.deviceId, state: device, sparks: new Map() };
      this.devices.set(device.deviceId, entry);
    } else if (device.lastSeen < entry.state.lastSeen) {
      return;
    }
    const isNewer = device.lastSeen > (entry.sparkedAt ?? -1);
    entry.state = device;
    if (isNewer) this.recordSparks(entry, device);
    this.listeners.forEach((listener) => listener(entry, isNew));
  }

  recordSparks(entry, device) {
    entry.sparkedAt = device.lastSeen;
    const names = Object.keys(device.metrics ?? {}).sort().slice(0, SPARK_METRICS);
    for (const name of names) {
      let points = entry.sparks.get(name);
      if (!points) {
        points = [];
        entry.sparks.set(name, points);
      }
      points.push(device.metrics[name]);
      if (points.length > SPARK_POINTS) points.shift();
    }
  }
}
