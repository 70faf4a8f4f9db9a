// The viewer token: taken once from the address (?token=… as printed by `./sonde demo`), kept in
// sessionStorage for reloads of this tab, and removed from the address bar so that it is neither
// bookmarked nor shared with a copied link.
//
// The page reads the token's claims only to shape what it shows (which channels to ask for,
// whether rule editing is offered, when the token runs out). It never trusts them: the gateway
// verifies every request.
const STORAGE_KEY = 'sonde.token';
const QUERY_NAMES = ['token', 'access_token'];
const COOKIE = 'sonde_token';

/** The token from the address or from this tab's storage; null when there is none. */
export function takeToken() {
  const url = new URL(window.location.href);
  const fromUrl = QUERY_NAMES.map((name) => url.searchParams.get(name)).find(Boolean);
  if (fromUrl) {
    sessionStorage.setItem(STORAGE_KEY, fromUrl);
    QUERY_NAMES.forEach((name) => url.searchParams.delete(name));
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return sessionStorage.getItem(STORAGE_KEY);
}

/** Forgets the stored token (it was refused). */
export function dropToken() {
  sessionStorage.removeItem(STORAGE_KEY);
  document.cookie = `${COOKIE}=; Path=/v1; Max-Age=0; SameSite=Strict`;
}

/**
 * Puts the token in the `sonde_token` cookie, which the gateway reads when a request has no
 * Authorization header. WebSocket and EventSource cannot set headers; with the cookie the token
 * stays out of their URLs, and so out of proxies' access logs and the browser's console. Set again
 * before every connection, since another tab of the dashboard may hold another token.
 * SameSite=Strict: no other site's page can make the browser send it.
 */
export function tokenCookie(token) {
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  // Gone when the token is: a cookie outlives the tab, the token must not.
  const expiresAt = readClaims(token)?.expiresAt ?? 0;
  const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
  document.cookie = `${COOKIE}=${token}; Path=/v1; Max-Age=${maxAge}; SameSite=Strict${secure}`;
}

/**
 * What the token says about its holder.
 *
 * @returns {{subject: string, expiresAt: number, admin: boolean, channels: string[]}|null} null
 *     when the token is not a readable JWT
 */
export function readClaims(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(payload));
    return {
      subject: String(claims.sub ?? ''),
      expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : 0,
      admin: claims.admin === true,
      channels: Array.isArray(claims.channels) ? claims.channels.map(String) : [],
    };
  } catch {
    return null;
  }
}

/** Whether a channel pattern list (`*` matches any run of characters) allows `channel`. */
export function allows(channels, channel) {
  return channels.some((pattern) => {
    const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(`^${escaped.join('.*')}$`).test(channel);
  });
}
