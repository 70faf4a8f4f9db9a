// A sparkline: the shape of a metric's last values as one SVG path, scaled to its own range.
const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 64;
const HEIGHT = 18;

export function sparkline(label) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.append(document.createElementNS(SVG, 'path'));
  return svg;
}

/** Redraws `svg` for `values` (oldest first). */
export function drawSparkline(svg, values) {
  const path = svg.firstChild;
  if (values.length < 2) {
    path.setAttribute('d', '');
    return;
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min || 1;
  const step = WIDTH / (values.length - 1);
  let d = '';
  values.forEach((v, i) => {
    const x = (i * step).toFixed(1);
    const y = (HEIGHT - 1 - ((v - min) / span) * (HEIGHT - 2)).toFixed(1);
    d += `${i === 0 ? 'M' : 'L'}${x} ${y}`;
  });
  path.setAttribute('d', d);
}
