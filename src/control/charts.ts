/**
 * Charts as inline SVG strings: no script, no external file, so the HTML report is one file that
 * any browser (or a mail client) shows as it is. Every label is escaped.
 */

export interface Bar {
  label: string;
  value: number;
  note?: string;
}

const PALETTE = ["#3b6fd4", "#e8913a", "#3aa67a", "#b45ac8", "#c9493f", "#7f8c99", "#d4b13b"];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function colour(i: number): string {
  return PALETTE[i % PALETTE.length];
}

/** One horizontal bar split into parts, with a legend under it: shares of a whole. */
export function stackedBar(title: string, parts: Bar[], width = 640): string {
  const total = parts.reduce((n, p) => n + p.value, 0);
  let x = 0;
  const rects = parts.map((p, i) => {
    const w = total > 0 ? (p.value / total) * width : 0;
    const r = `<rect class="part" x="${x.toFixed(2)}" y="24" width="${w.toFixed(2)}" height="28" fill="${colour(i)}"><title>${escapeHtml(`${p.label}: ${p.note ?? p.value}`)}</title></rect>`;
    x += w;
    return r;
  });
  const legend = parts.map(
    (p, i) =>
      `<g transform="translate(${(i % 3) * 215},${72 + Math.floor(i / 3) * 20})"><rect x="0" y="-10" width="12" height="12" fill="${colour(i)}"/><text x="18" y="0">${escapeHtml(`${p.label} ${p.note ?? p.value}`)}</text></g>`,
  );
  const height = 80 + Math.ceil(parts.length / 3) * 20;
  return `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><text class="title" x="0" y="14">${escapeHtml(title)}</text><rect x="0" y="24" width="${width}" height="28" fill="#eef0f3"/>${rects.join("")}${legend.join("")}</svg>`;
}

/** Horizontal bars, one per item, scaled to the largest. */
export function barChart(title: string, bars: Bar[], width = 640): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const labelW = 150,
    barW = width - labelW - 120,
    row = 24;
  const rows = bars.map((b, i) => {
    const w = (b.value / max) * barW;
    const y = 26 + i * row;
    return `<g><text x="0" y="${y + 14}">${escapeHtml(b.label)}</text><rect class="bar" x="${labelW}" y="${y}" width="${w.toFixed(2)}" height="18" fill="${colour(i)}"><title>${escapeHtml(`${b.label}: ${b.note ?? b.value}`)}</title></rect><text x="${(labelW + w + 6).toFixed(2)}" y="${y + 14}">${escapeHtml(b.note ?? String(b.value))}</text></g>`;
  });
  const height = 30 + bars.length * row;
  return `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><text class="title" x="0" y="14">${escapeHtml(title)}</text>${rows.join("")}</svg>`;
}

/** Passed out of total per item, as a track and a filled part. */
export function progressChart(title: string, items: { label: string; done: number; total: number }[], width = 640): string {
  const labelW = 150,
    barW = width - labelW - 90,
    row = 24;
  const rows = items.map((it, i) => {
    const y = 26 + i * row;
    const w = it.total ? (it.done / it.total) * barW : 0;
    return `<g><text x="0" y="${y + 14}">${escapeHtml(it.label)}</text><rect x="${labelW}" y="${y}" width="${barW}" height="18" fill="#eef0f3"/><rect class="bar" x="${labelW}" y="${y}" width="${w.toFixed(2)}" height="18" fill="${it.done === it.total ? "#3aa67a" : "#e8913a"}"/><text x="${labelW + barW + 6}" y="${y + 14}">${it.done}/${it.total}</text></g>`;
  });
  const height = 30 + items.length * row;
  return `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><text class="title" x="0" y="14">${escapeHtml(title)}</text>${rows.join("")}</svg>`;
}
