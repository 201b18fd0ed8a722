/**
 * A horizontal bar chart of median throughput per contender, grouped by
 * scenario, with min-max whiskers. Plain SVG written by hand: no dependency.
 */
export interface Bar {
  readonly label: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly kind: "toolkit" | "java" | "nodejs" | "baseline";
}
export interface BarGroup {
  readonly title: string;
  /** What the bars measure; default "msg/s, median, min-max". */
  readonly unit?: string;
  readonly bars: readonly Bar[];
}

const COLORS = { toolkit: "#2f7ed8", java: "#e4572e", nodejs: "#4caf50", baseline: "#9e9e9e" } as const;
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : Math.round(n).toLocaleString("en-US"));

export function barChart(title: string, groups: readonly BarGroup[], footnote: string): string {
  const labelW = 430, plotW = 420, barH = 16, gap = 6, headH = 26, left = 10, width = left + labelW + plotW + 90;
  let y = 56;
  const parts: string[] = [];
  for (const g of groups) {
    if (g.bars.length === 0) continue;
    const scale = Math.max(...g.bars.map((b) => b.max), 1);
    parts.push(`<text x="${left}" y="${y + 16}" font-weight="bold" font-size="13">${esc(g.title)} (${esc(g.unit ?? "msg/s, median, min-max")})</text>`);
    y += headH;
    for (const b of g.bars) {
      const w = Math.max(1, (b.median / scale) * plotW);
      const x0 = left + labelW;
      const cy = y + barH / 2;
      parts.push(
        `<text x="${x0 - 8}" y="${cy + 4}" text-anchor="end" font-size="11">${esc(b.label)}</text>`,
        `<rect x="${x0}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${COLORS[b.kind]}"/>`,
        `<line x1="${(x0 + (b.min / scale) * plotW).toFixed(1)}" x2="${(x0 + (b.max / scale) * plotW).toFixed(1)}" y1="${cy}" y2="${cy}" stroke="#222" stroke-width="1"/>`,
        `<text x="${(x0 + (b.max / scale) * plotW + 6).toFixed(1)}" y="${cy + 4}" font-size="11">${fmt(b.median)}</text>`,
      );
      y += barH + gap;
    }
    y += 10;
  }
  const legend = (Object.keys(COLORS) as (keyof typeof COLORS)[]).map((k, i) =>
    `<rect x="${left + i * 130}" y="${y}" width="12" height="12" fill="${COLORS[k]}"/><text x="${left + i * 130 + 17}" y="${y + 10}" font-size="11">${k === "nodejs" ? "rocketmq-client-nodejs" : k}</text>`);
  y += 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="22" font-size="16" font-weight="bold">${esc(title)}</text>`,
    `<text x="${left}" y="40" font-size="11" fill="#555">${esc(footnote)}</text>`,
    ...parts, ...legend, `</svg>`, "",
  ].join("\n");
}
