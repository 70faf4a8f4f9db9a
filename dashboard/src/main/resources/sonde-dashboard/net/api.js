// The push gateway's REST API (devices, aggregate history, alerts, rules), with the viewer token
// in the Authorization header. Errors come back as {code, message, field?} from the gateway; they
// are thrown as ApiError so that a view can show them where they belong.
//
// A 503 with Retry-After (the processor is restoring or moving state) is asked again after the
// time it names, up to RETRIES times, before it becomes an error.
const RETRIES = 10;
const MAX_RETRY_AFTER_MS = 5000;

export class ApiError extends Error {
  constructor(status, body) {
    super(body.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body.code ?? 'unknown';
    this.field = body.field ?? null;
  }
}

export class Api {
  constructor(token) {
    this.token = token;
  }

  devices() {
    return this.request('GET', '/v1/devices');
  }

  /** Windows of one size for every metric of a device, starting in [from, now]. */
  aggregates(deviceId, window, from) {
    const params = new URLSearchParams({ window, from: String(from) });
    return this.request('GET', `/v1/devices/${encodeURIComponent(deviceId)}/aggregates?${params}`);
  }

  alerts(state = 'all') {
    return this.request('GET', `/v1/alerts?state=${state}`);
  }

  rules() {
    return this.request('GET', '/v1/rules');
  }

  putRule(rule) {
    return this.request('PUT', `/v1/rules/${encodeURIComponent(rule.id)}`, rule);
  }

  deleteRule(id) {
    return this.request('DELETE', `/v1/rules/${encodeURIComponent(id)}`);
  }

  async request(method, path, body) {
    for (let attempt = 0; ; attempt++) {
      const response = await this.send(method, path, body);
      const retryAfter = Number(response.headers.get('Retry-After'));
      if (response.status !== 503 || !retryAfter || attempt >= RETRIES) return this.read(response);
      await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfter * 1000, MAX_RETRY_AFTER_MS)));
    }
  }

  send(method, path, body) {
    return fetch(path, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        Accept: 'application/json',
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
    });
  }

  async read(response) {
    if (response.status === 204) return null;
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, json);
    return json;
  }
}
