// The viewer token: taken once from the address (?token=… as printed by `./sonde demo`), kept in
// sessionStorage for reloads, and removed from the address bar so it is not bookmarked or shared.
const STORAGE_KEY = 'sonde.token';
const QUERY_NAMES = ['token', 'access_token'];

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
