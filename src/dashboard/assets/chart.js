// Hashrate charts on uPlot (served from node_modules as /assets/vendor/uPlot.iife.min.js): one line per series,
// time on x, H/s on y with the pool's hashrate formatter. Range buttons pick the window and the API's bucket.

import { el } from "./dom.js";
import { hashrate } from "./format.js";

/** The range buttons, in their order on the page. */
const RANGES = {
  "1h": { label: "1 h", seconds: 3600, bucket: "1m" },
  "24h": { label: "24 h", seconds: 86400, bucket: "5m" },
  "7d": { label: "7 d", seconds: 7 * 86400, bucket: "1h" },
};

/** `?from&bucket` for a range ending now. */
function rangeQuery(range) {
  const r = RANGES[range];
  return `from=${Math.floor(Date.now() / 1000) - r.seconds}&bucket=${r.bucket}`;
}

const COLORS = ["#49d3b4", "#6ea8fe", "#f7b955", "#e685b5", "#a98bfa", "#7bd389", "#f28b6b", "#5fc9e8"];
const AXIS = { stroke: "#8b96a8", grid: { stroke: "#222b3a", width: 1 }, ticks: { stroke: "#222b3a", width: 1 } };

/** A chart in `host` that redraws from API items; `lines` are [label, item → H/s] pairs. */
function hashrateChart(host) {
  let plot = null;
  let labels = "";
  const height = () => Math.max(200, Math.min(300, Math.round(host.clientWidth * 0.35)));
  new ResizeObserver(() => plot?.setSize({ width: host.clientWidth, height: height() })).observe(host);

  return {
    draw(items, lines) {
      const data = [items.map((i) => Date.parse(i.time) / 1000), ...lines.map(([, pick]) => items.map(pick))];
      const key = lines.map(([l]) => l).join("\n");
      host.dataset.points = String(items.length);
      host.dataset.lines = String(lines.length);
      if (plot && key === labels) return plot.setData(data);
      plot?.destroy();
      labels = key;
      plot = new globalThis.uPlot({
        width: host.clientWidth, height: height(),
        cursor: { drag: { x: false, y: false } },
        legend: { show: lines.length > 0 },
        scales: { y: { range: (u, min, max) => [0, max > 0 ? max * 1.15 : 1] } },
        axes: [AXIS, { ...AXIS, size: 96, values: (u, ticks) => ticks.map(hashrate) }],
        series: [
          { value: (u, t) => (t === null ? "" : new Date(t * 1000).toISOString().slice(0, 16).replace("T", " ")) },
          ...lines.map(([label], i) => ({
            label, stroke: COLORS[i % COLORS.length], width: 2, points: { show: false }, fill: lines.length === 1 ? "rgba(73,211,180,0.12)" : undefined,
            value: (u, v) => hashrate(v),
          })),
        ],
      }, data, host);
    },
  };
}

/**
 * The page's chart (#chart) with a button per range in #ranges: `load(query)` fetches the series for the chosen
 * range and answers [items, lines]. Returns the redraw, for the page's refresh.
 */
export function rangedChart(load) {
  const chart = hashrateChart(document.getElementById("chart"));
  const group = document.getElementById("ranges");
  group.replaceChildren(...Object.entries(RANGES).map(([key, r]) => el("button", { type: "button", "data-range": key }, r.label)));
  let range = "24h";
  const redraw = async () => chart.draw(...(await load(rangeQuery(range))));
  const press = () => {
    for (const b of group.querySelectorAll("[data-range]")) b.setAttribute("aria-pressed", String(b.dataset.range === range));
  };
  group.addEventListener("click", (e) => {
    const b = e.target.closest("[data-range]");
    if (!b) return;
    range = b.dataset.range;
    press();
    void redraw();
  });
  press();
  return redraw;
}
