// A miner's page, found by its address: balance, paid, hashrate with one chart line per worker, workers by
// status, payments, daily earnings and blocks; a designed empty state for an address with no history yet.

import { ApiError, get, minerPath } from "./api.js";
import { rangedChart } from "./chart.js";
import { connectSection } from "./connect.js";
import { badge, cell, el, figure, fillRows, showError } from "./dom.js";
import * as f from "./format.js";
import { addressSearch } from "./search.js";

const REFRESH_MS = 15_000;
const EARNING_DAYS = 7;
const $ = (id) => document.getElementById(id);
const address = decodeURIComponent(location.pathname.replace(/^\/miners\//, "").replace(/\/$/, ""));
const api = (rest) => get(minerPath(address, rest));

document.title = `${f.shortAddress(address)} · kaspool`;
figure("miner-address", address, address);
addressSearch();
const drawChart = rangedChart(async (query) => {
  const s = await api(`/hashrate?${query}`);
  return [s.items, s.workers.map((w) => [w, (i) => i.workers[w]])];
});

function summary(m) {
  figure("balance", f.kas(m.balance), m.balance.sompi);
  figure("paid", f.kas(m.paid), m.paid.sompi);
  figure("earned", f.kas(m.earned), m.earned.sompi);
  for (const k of ["10m", "1h", "24h"]) figure(`hashrate-${k}`, f.hashrate(m.hashrate[k]), m.hashrate[k]);
  for (const k of ["online", "idle", "offline"]) figure(`workers-${k}`, f.count(m.workers[k]), m.workers[k]);
  figure("last-share", f.time(m.last_share_at), m.last_share_at);
  figure("daily-estimate", f.kas(m.estimated_daily_earnings), m.estimated_daily_earnings?.sompi ?? null);
}

const workerRows = (items) => items.map((w) => el("tr", { dataset: { testid: "worker-row", worker: w.worker } },
  cell("worker", w.worker, w.worker),
  cell("status", badge(w.status), w.status),
  cell("last_share_at", f.time(w.last_share_at), w.last_share_at),
  ...["10m", "1h", "24h"].map((k) => cell(`hashrate_${k}`, f.hashrate(w.hashrate[k]), w.hashrate[k], { class: "num" })),
  cell("shares_24h", `${w.accepted_24h} / ${w.rejected_24h}`, [w.accepted_24h, w.rejected_24h], { class: "num" }),
  cell("difficulty", f.number(w.difficulty), w.difficulty, { class: "num" })));

const paymentRows = (items) => items.map((p) => el("tr", { dataset: { testid: "payment-row", id: p.id } },
  cell("created_at", f.time(p.created_at), p.created_at),
  cell("amount", f.kas(p.amount), p.amount.sompi, { class: "num" }),
  cell("status", badge(p.status), p.status),
  cell("txid", p.txid ?? f.DASH, p.txid, { class: "hash", title: p.txid })));

function earningRows(items) {
  const max = items.reduce((m, d) => (BigInt(d.amount.sompi) > m ? BigInt(d.amount.sompi) : m), 0n);
  return items.slice().reverse().map((d) => {
    const bar = el("span", { class: "bar" });
    bar.style.width = max > 0n ? `${Number((BigInt(d.amount.sompi) * 1000n) / max) / 10}%` : "0";
    return el("tr", { dataset: { testid: "earning-row", date: d.date } },
      cell("date", d.date, d.date), cell("amount", f.kas(d.amount), d.amount.sompi, { class: "num" }), el("td", { class: "bar-col" }, bar));
  });
}

const blockRows = (items) => items.map((b) => el("tr", { dataset: { testid: "block-row", hash: b.hash } },
  cell("found_at", f.time(b.found_at), b.found_at),
  cell("hash", b.hash, b.hash, { class: "hash", title: b.hash }),
  cell("status", badge(b.status), b.status),
  cell("confirmations", f.count(b.confirmations), b.confirmations, { class: "num" }),
  cell("finder", b.found_by_you ? `you (${b.finder.worker})` : "another miner", b.found_by_you),
  cell("credited", f.kas(b.credited), b.credited.sompi, { class: "num" })));

let shownEmpty = false;

async function refresh() {
  try {
    const m = await api("");
    $("known").hidden = false;
    summary(m);
    const empty = m.workers.online + m.workers.idle + m.workers.offline === 0 && m.earned.sompi === "0" && m.paid.sompi === "0";
    $("empty").hidden = !empty;
    $("history").hidden = empty;
    if (empty) {
      if (!shownEmpty) {
        const pool = await get("/api/v1/pool");
        $("empty-connect").replaceChildren(connectSection(pool.ports, pool.payout.threshold, address));
        shownEmpty = true;
      }
    } else {
      const [workers, payments, earnings, blocks] = await Promise.all([
        api("/workers"), api("/payments?limit=10"), api(`/earnings/daily?days=${EARNING_DAYS}`), api("/blocks?limit=10"),
      ]);
      fillRows($("workers"), workerRows(workers.items), "No workers yet.");
      fillRows($("payments"), paymentRows(payments.items), "No payments yet: they start once the balance passes the payout threshold.");
      fillRows($("earnings"), earningRows(earnings.items), "No earnings yet.");
      fillRows($("blocks"), blockRows(blocks.items), "No block has credited this address yet.");
      await drawChart();
    }
    showError($("api-error"), null);
    document.body.dataset.loaded = "true";
  } catch (err) {
    if (err instanceof ApiError && err.status === 400) {
      $("invalid").hidden = false;
      $("known").hidden = true;
      figure("miner-error", err.message, err.code);
      document.body.dataset.loaded = "true";
      return clearInterval(timer);
    }
    showError($("api-error"), `Could not refresh: ${err.message}`);
  }
}

const timer = setInterval(refresh, REFRESH_MS);
void refresh();
