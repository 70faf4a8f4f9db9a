// Entry point: the fleet table on the `devices` channel, and a device view on click.
import { takeToken } from './token.js';
import { openStream, showState } from './stream.js';
import { FleetTable } from './fleet.js';
import { DeviceView } from './device.js';

const $ = (id) => document.getElementById(id);

function main() {
  const token = takeToken();
  const connection = $('connection-status');
  if (!token) {
    $('auth-missing').hidden = false;
    showState(connection, 'disconnected', 'no viewer token');
    return;
  }

  const view = new DeviceView(
    {
      panel: $('device-detail'),
      title: $('device-title'),
      status: $('device-connection-status'),
      metricSelect: $('metric-select'),
      telemetryChart: $('telemetry-chart'),
      aggregatesChart: $('aggregates-chart'),
      closeButton: $('device-close'),
    },
    token,
    () => fleet.select(null),
  );
  const fleet = new FleetTable($('fleet-body'), $('fleet-empty'), $('device-count'), (id) => {
    fleet.select(id);
    view.open(id);
  });

  openStream(['devices'], token, { device: (device) => fleet.upsert(device) }, (state, detail) =>
    showState(connection, state, detail),
  );
}

main();
