// Two small SVG charts of a closed auction: the price over time (a step line, since the
// price holds until the next bid) and the number of bids in each minute. Each is drawn at
// the width it is shown at, so its labels keep their size on a phone.

import { useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { formatMoney } from "../format/money";

const H = 240;
const PAD = { top: 16, right: 16, bottom: 32, left: 72 };
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const minuteFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** About `count` round values covering [min, max]. */
function ticks(min: number, max: number, count = 4): number[] {
  if (max <= min) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step / 1e6; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

/** A box that measures its width and draws `children(width)` in it. */
function Sized({ children }: { children: (width: number) => ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(640);
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const measure = () => setWidth(Math.max(260, Math.round(element.getBoundingClientRect().width)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return <div ref={box}>{children(width)}</div>;
}

interface PricePoint {
  at: string;
  price: number;
}

interface PriceChartProps {
  points: PricePoint[];
  currency: string;
  endsAt?: string | null;
}

export function PriceChart(props: PriceChartProps) {
  return <Sized>{(width) => <PriceChartAt {...props} W={width} />}</Sized>;
}

function PriceChartAt({ points, currency, endsAt, W }: PriceChartProps & { W: number }) {
  const data = points.map((p) => ({ t: Date.parse(p.at), price: p.price })).filter((p) => Number.isFinite(p.t));
  if (data.length === 0) return <p className="muted empty">No price changes to chart.</p>;
  const first = data[0]!.t;
  const lastPoint = data[data.length - 1]!.t;
  const end = Math.max(lastPoint, endsAt ? Date.parse(endsAt) || lastPoint : lastPoint);
  const span = Math.max(end - first, 1000);
  const prices = data.map((d) => d.price);
  const low = Math.min(...prices);
  const high = Math.max(...prices);
  const pad = (high - low) * 0.1 || high * 0.1 || 1;
  const yMin = Math.max(0, low - pad);
  const yMax = high + pad;
  const x = (t: number) => PAD.left + ((t - first) / span) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - ((v - yMin) / (yMax - yMin)) * (H - PAD.top - PAD.bottom);

  let path = `M ${x(data[0]!.t)} ${y(data[0]!.price)}`;
  for (const d of data.slice(1)) path += ` H ${x(d.t)} V ${y(d.price)}`;
  path += ` H ${x(end)}`;
  const area = `${path} V ${H - PAD.bottom} H ${x(first)} Z`;
  const xTicks = W < 480 ? [first, end] : [first, first + span / 2, end];

  return (
    <svg className="chart price-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="price-chart-title" data-points={data.length}>
      <title id="price-chart-title">
        Price over time, from {formatMoney(data[0]!.price, currency)} to {formatMoney(data[data.length - 1]!.price, currency)}
      </title>
      <defs>
        <linearGradient id="price-fill" x1="0" x2="0" y1="0" y2="1">
          <stop offset="0%" stopColor="var(--accent)" stopOpacity="0.25" />
          <stop offset="100%" stopColor="var(--accent)" stopOpacity="0" />
        </linearGradient>
      </defs>
      {ticks(yMin, yMax).map((v) => (
        <g key={v} className="grid">
          <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
          <text x={PAD.left - 8} y={y(v)} textAnchor="end" dominantBaseline="middle">
            {formatMoney(v, currency)}
          </text>
        </g>
      ))}
      {xTicks.map((t, i) => (
        <text key={i} className="axis" x={x(t)} y={H - 10} textAnchor={i === 0 ? "start" : i === xTicks.length - 1 ? "end" : "middle"}>
          {clockFormat.format(t)}
        </text>
      ))}
      <path d={area} fill="url(#price-fill)" />
      <path d={path} className="line" />
      {data.map((d, i) => (
        <circle key={i} className="point" cx={x(d.t)} cy={y(d.price)} r={4}>
          <title>
            {formatMoney(d.price, currency)} at {clockFormat.format(d.t)}
          </title>
        </circle>
      ))}
    </svg>
  );
}

type Minutes = { minute: string; count: number }[];

export function BidsPerMinuteChart({ minutes }: { minutes: Minutes }) {
  return <Sized>{(width) => <BidsPerMinuteAt minutes={minutes} W={width} />}</Sized>;
}

function BidsPerMinuteAt({ minutes, W }: { minutes: Minutes; W: number }) {
  const data = minutes.map((m) => ({ t: Date.parse(m.minute), count: m.count })).filter((m) => Number.isFinite(m.t));
  if (data.length === 0) return <p className="muted empty">No bids to chart.</p>;
  const max = Math.max(...data.map((d) => d.count), 1);
  const slot = (W - PAD.left - PAD.right) / data.length;
  const barWidth = Math.min(48, slot * 0.7);
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const labelEvery = Math.ceil(data.length / Math.max(2, Math.floor(W / 80)));
  return (
    <svg className="chart bars-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="bars-chart-title" data-bars={data.length}>
      <title id="bars-chart-title">Bids per minute, at most {max} in one minute</title>
      {ticks(0, max, Math.min(4, max))
        .filter((v) => Number.isInteger(v))
        .map((v) => (
          <g key={v} className="grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
            <text x={PAD.left - 8} y={y(v)} textAnchor="end" dominantBaseline="middle">
              {v}
            </text>
          </g>
        ))}
      {data.map((d, i) => {
        const cx = PAD.left + slot * i + slot / 2;
        return (
          <g key={d.t}>
            <rect className="bar" x={cx - barWidth / 2} y={y(d.count)} width={barWidth} height={H - PAD.bottom - y(d.count)} rx={4}>
              <title>
                {d.count} {d.count === 1 ? "bid" : "bids"} at {minuteFormat.format(d.t)}
              </title>
            </rect>
            {i % labelEvery === 0 && (
              <text className="axis" x={cx} y={H - 10} textAnchor="middle">
                {minuteFormat.format(d.t)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
