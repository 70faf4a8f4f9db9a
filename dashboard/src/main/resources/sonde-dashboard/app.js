// Entry point. Data flows one way: the connection (net/) feeds the models (model/), the models
// tell the views (views/), and the views write the DOM once per animation frame.
//
// Routes (the address's hash): #/fleet (default), #/device/ID, #/alerts, #/rules.
import { allows, dropToken, readClaims, takeToken } from './auth/token.js';
import { Api } from './net/api.js';
import { Connection } from './net/connection.js';
import { AlertBook } from './model/alerts.js';
import { Fleet } from './model/fleet.js';
import { AlertFeed, AlertList } from './views/alerts.js';
import { DeviceView } from './views/device.js';
import { FleetView } from './views/fleet.js';
import { FrameScheduler } from './views/frame.js';
import { RulesView } from './views/rules.js';
import { StatusView } from './views/status.js';

const $ = (id) => document.getElementById(id);

function main() {
  const token = takeToken();
  const claims = token ? readClaims(token) : null;
  if (!claims) return refuse('No viewer token. Open the address printed by ./sonde demo, or add ?token=… (from ./sonde token viewer) to this address.');
  if (claims.expiresAt && claims.expiresAt <= Date.now()) return refuse(expiredMessage(claims));

  const frames = new FrameScheduler();
  const api = new Api(token);
  const fleet = new Fleet();
  const alerts = new AlertBook();
  let status = null;
  const connection = new Connection(token, (s) => {
    status?.show(s);
    if (s.auth) onRefused(s.auth === 'expired' ? expiredMessage(claims) : `The gateway refused this token (${s.detail}). Get a new one with ./sonde token viewer.`);
  });
  status = new StatusView({ indicator: $('connection-status'), transport: $('connection-transport'), age: $('event-age') }, connection);
  const onRefused = (message) => {
    connection.stop('token expired or refused');
    dropToken();
    showNotice(message);
  };
  if (claims.expiresAt) atTime(claims.expiresAt, () => onRefused(expiredMessage(claims)));

  new FleetView(
    {
      body: $('fleet-body'), scroller: $('fleet-scroll'), empty: $('fleet-empty'), count: $('device-count'), filter: $('fleet-filter'),
      status: $('fleet-status'), headers: [...document.querySelectorAll('#fleet-table [data-sort]')],
    },
    fleet, alerts, frames, (id) => { location.hash = `#/device/${encodeURIComponent(id)}`; },
  );
  new AlertFeed(
    { body: $('alerts-body'), empty: $('alerts-empty'), severity: $('alert-severity'), device: $('alert-device'), count: $('alert-count') },
    alerts, frames,
  );
  const device = new DeviceView(
    {
      panel: $('device-view'), title: $('device-title'), status: $('device-status'), lastSeen: $('device-last-seen'),
      windowSelect: $('window-select'), charts: $('device-charts'), recent: $('recent-body'), notice: $('device-notice'),
    },
    {
      connection, api, fleet, alerts, frames,
      alertList: new AlertList($('device-alerts-body'), $('device-alerts-empty')),
      canRead: (channel) => allows(claims.channels, channel),
    },
  );
  const rules = new RulesView(
    {
      body: $('rules-body'), empty: $('rules-empty'), form: $('rule-form'), formTitle: $('rule-form-title'),
      formError: $('rule-form-error'), newButton: $('rule-new'), cancel: $('rule-cancel'), notice: $('rules-notice'),
      readOnly: $('rules-read-only'),
    },
    api, claims.admin,
  );

  if (allows(claims.channels, 'devices')) connection.subscribe('devices', (event, data) => event === 'device' && fleet.apply(data));
  else notice('fleet-empty', 'This token may not read the devices channel.');
  if (!allows(claims.channels, 'alerts')) notice('alerts-notice', 'This token may not read the alerts channel.');
  if (allows(claims.channels, 'alerts')) {
    // Cleared alerts are not in the channel's snapshot; the REST history has them. It is asked
    // once the gateway holds the subscription (and again after every fresh start of it), so an
    // alert that changed meanwhile arrives on the stream, and a clear is never missed: the
    // book lets a cleared alert win over an active copy.
    let historyLoaded = false;
    connection.subscribe('alerts', (event, data) => {
      if (event === 'alert') alerts.apply(data);
      else if (event === 'subscribed' && (data.fresh || !historyLoaded)) {
        api.alerts('all').then((list) => {
          historyLoaded = true;
          list.forEach((a) => alerts.apply(a));
        }, (e) => notice('alerts-notice', `Alert history unavailable: ${e.message}`));
      }
    });
  }
  connection.start();

  const route = () => {
    const [, view = 'fleet', id] = location.hash.match(/^#\/([a-z]+)(?:\/(.+))?$/) ?? [];
    const known = ['fleet', 'alerts', 'rules', 'device'].includes(view) ? view : 'fleet';
    document.querySelectorAll('section.view').forEach((section) => {
      section.hidden = section.dataset.view !== known;
    });
    document.querySelectorAll('nav a[data-view]').forEach((link) => {
      if (link.dataset.view === known || (known === 'device' && link.dataset.view === 'fleet')) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    });
    if (known === 'device' && id) device.open(decodeURIComponent(id));
    else device.close();
    if (known === 'rules') rules.load();
  };
  window.addEventListener('hashchange', route);
  route();
}

// setTimeout takes at most 2^31 - 1 ms (about 24.8 days); a later time is waited for in steps.
function atTime(epochMs, action) {
  const left = epochMs - Date.now();
  if (left <= 0) return action();
  setTimeout(() => atTime(epochMs, action), Math.min(left, 2 ** 31 - 1));
}

function expiredMessage(claims) {
  const at = new Date(claims.expiresAt).toLocaleString();
  return `Your viewer token expired (${at}). Open a fresh dashboard address (./sonde demo prints one, ./sonde token viewer makes a token).`;
}

function notice(id, message) {
  $(id).textContent = message;
  $(id).hidden = false;
}

function showNotice(message) {
  const notice = $('auth-notice');
  notice.textContent = message;
  notice.hidden = false;
}

function refuse(message) {
  showNotice(message);
  const indicator = $('connection-status');
  indicator.dataset.state = 'offline';
  indicator.textContent = 'offline';
}

main();
