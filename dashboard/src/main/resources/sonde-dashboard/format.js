// Small display helpers shared by the fleet table and the device view.

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export function formatNumber(value) {
  return value === null || value === undefined ? '–' : numberFormat.format(value);
}

/** "5 s ago", "3 min ago", or the date for anything older than a day. */
export function formatAgo(epochMs, now = Date.now()) {
  if (!epochMs) return 'never';
  const seconds = Math.max(0, Math.round((now - epochMs) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(epochMs).toLocaleString();
}

export function formatMetrics(metrics) {
  return Object.entries(metrics ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name} ${formatNumber(value)}`)
    .join(' · ');
}
