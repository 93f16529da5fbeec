import { useId } from "react";

// Small inline SVG charts for the overview. No charting package is installed (and none is added
// for two charts); each chart is an <svg role="img"> with a <title> and <desc> that say in words
// what it draws, so a screen reader gets the same figures the eye does, and a table beside it.

/** Seconds as a merchant reads a wait: "12 s", "4.5 min", "2.1 h". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export interface StackedBar {
  label: string;
  segments: { label: string; value: number; color: string }[];
}

const WIDTH = 560;
const LABEL_WIDTH = 130;
const ROW = 28;
const BAR = 18;

/** One horizontal bar per row, split into segments (in sync, pending, held, failed). */
export function StackedBarChart({ title, bars }: { title: string; bars: StackedBar[] }) {
  const id = useId();
  const legend = bars[0]?.segments ?? [];
  const height = bars.length * ROW + 28;
  const plot = WIDTH - LABEL_WIDTH - 60;
  const description = bars.map((b) => `${b.label}: ${b.segments.map((s) => `${s.value} ${s.label.toLowerCase()}`).join(", ")}`).join("; ");
  return (
    <svg role="img" aria-labelledby={`${id}-t ${id}-d`} viewBox={`0 0 ${WIDTH} ${height}`} width="100%" style={{ maxWidth: WIDTH }}>
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{description}</desc>
      {bars.map((bar, row) => {
        const total = bar.segments.reduce((sum, s) => sum + s.value, 0);
        let x = LABEL_WIDTH;
        const y = row * ROW;
        return (
          <g key={bar.label}>
            <text x={LABEL_WIDTH - 8} y={y + BAR - 4} textAnchor="end" fontSize="12">
              {bar.label}
            </text>
            {total === 0 ? <rect x={LABEL_WIDTH} y={y} width={plot} height={BAR} fill="#f1f1f1" /> : null}
            {bar.segments.map((s) => {
              const width = total === 0 ? 0 : (plot * s.value) / total;
              const rect = <rect key={s.label} x={x} y={y} width={width} height={BAR} fill={s.color} />;
              x += width;
              return rect;
            })}
            <text x={LABEL_WIDTH + plot + 6} y={y + BAR - 4} fontSize="12">
              {total}
            </text>
          </g>
        );
      })}
      <Legend y={bars.length * ROW + 8} items={legend.map((s) => ({ label: s.label, color: s.color }))} />
    </svg>
  );
}

export interface LatencyBar {
  label: string;
  /** Seconds; null when nothing was pushed in the window. */
  p50: number | null;
  p95: number | null;
}

/** Per row, the median and the 95th percentile as two bars on one shared scale. */
export function LatencyChart({ title, rows, format }: { title: string; rows: LatencyBar[]; format: (seconds: number) => string }) {
  const id = useId();
  const max = Math.max(1, ...rows.flatMap((r) => [r.p50 ?? 0, r.p95 ?? 0]));
  const plot = WIDTH - LABEL_WIDTH - 70;
  const rowHeight = 34;
  const height = rows.length * rowHeight + 28;
  const description = rows
    .map((r) => (r.p50 === null || r.p95 === null ? `${r.label}: nothing pushed` : `${r.label}: median ${format(r.p50)}, 95th percentile ${format(r.p95)}`))
    .join("; ");
  return (
    <svg role="img" aria-labelledby={`${id}-t ${id}-d`} viewBox={`0 0 ${WIDTH} ${height}`} width="100%" style={{ maxWidth: WIDTH }}>
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{description}</desc>
      {rows.map((r, i) => {
        const y = i * rowHeight;
        return (
          <g key={r.label}>
            <text x={LABEL_WIDTH - 8} y={y + 14} textAnchor="end" fontSize="12">
              {r.label}
            </text>
            {r.p50 === null || r.p95 === null ? (
              <text x={LABEL_WIDTH} y={y + 14} fontSize="12" fill="#616161">
                nothing pushed
              </text>
            ) : (
              <>
                <rect x={LABEL_WIDTH} y={y + 2} width={Math.max(1, (plot * r.p50) / max)} height={12} fill={LATENCY_COLORS.p50} />
                <text x={LABEL_WIDTH + (plot * r.p50) / max + 4} y={y + 12} fontSize="11">
                  {format(r.p50)}
                </text>
                <rect x={LABEL_WIDTH} y={y + 16} width={Math.max(1, (plot * r.p95) / max)} height={12} fill={LATENCY_COLORS.p95} />
                <text x={LABEL_WIDTH + (plot * r.p95) / max + 4} y={y + 26} fontSize="11">
                  {format(r.p95)}
                </text>
              </>
            )}
          </g>
        );
      })}
      <Legend
        y={rows.length * rowHeight + 8}
        items={[
          { label: "Median (p50)", color: LATENCY_COLORS.p50 },
          { label: "95th percentile (p95)", color: LATENCY_COLORS.p95 },
        ]}
      />
    </svg>
  );
}

export const LATENCY_COLORS = { p50: "#4b8ee6", p95: "#1d4f91" } as const;

function Legend({ y, items }: { y: number; items: { label: string; color: string }[] }) {
  let x = LABEL_WIDTH;
  return (
    <g aria-hidden="true">
      {items.map((item) => {
        const at = x;
        x += 24 + item.label.length * 7;
        return (
          <g key={item.label}>
            <rect x={at} y={y} width={12} height={12} fill={item.color} />
            <text x={at + 16} y={y + 10} fontSize="11">
              {item.label}
            </text>
          </g>
        );
      })}
    </g>
  );
}

const SPARK_WIDTH = 96;
const SPARK_HEIGHT = 28;

/**
 * One small bar per time bucket (an hour, a day), oldest on the left, scaled to the largest; a
 * bucket with nothing (null: no figure, such as a latency with no push) draws no bar. The desc says
 * the total and the peak, for a screen reader and for tests.
 */
export function Sparkbars({ title, values, color, summary }: { title: string; values: readonly (number | null)[]; color: string; summary: string }) {
  const id = useId();
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  const step = values.length === 0 ? SPARK_WIDTH : SPARK_WIDTH / values.length;
  return (
    <svg role="img" aria-labelledby={`${id}-t ${id}-d`} viewBox={`0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}`} width={SPARK_WIDTH} height={SPARK_HEIGHT}>
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{summary}</desc>
      <line x1={0} y1={SPARK_HEIGHT - 0.5} x2={SPARK_WIDTH} y2={SPARK_HEIGHT - 0.5} stroke="#d4d4d4" />
      {values.map((v, i) => {
        if (v === null || v === 0 || max === 0) return null;
        const h = Math.max(1, ((SPARK_HEIGHT - 2) * v) / max);
        return <rect key={i} x={i * step + 0.5} y={SPARK_HEIGHT - 1 - h} width={Math.max(1, step - 1)} height={h} fill={color} />;
      })}
    </svg>
  );
}
