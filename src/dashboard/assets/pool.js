// The pool page: the pool's and the network's figures, the hashrate chart, recent blocks and payments, the top
// miners and how to connect. Refreshed every 15 s.

import { get, minerPage } from "./api.js";
import { rangedChart } from "./chart.js";
import { connectSection } from "./connect.js";
import { badge, cell, el, figure, fillRows, showError } from "./dom.js";
import * as f from "./format.js";
import { addressSearch } from "./search.js";

const REFRESH_MS = 15_000;
const $ = (id) => document.getElementById(id);

addressSearch();
const drawChart = rangedChart(async (query) => {
  const s = await get(`/api/v1/pool/hashrate?${query}`);
  return [s.items, [["Pool", (i) => i.hashrate]]];
});

function summary(p) {
  figure("pool-hashrate", f.hashrate(p.hashrate.total), p.hashrate.total);
  figure("pool-hashrate-pplns", f.hashrate(p.hashrate.pplns), p.hashrate.pplns);
  figure("pool-hashrate-solo", f.hashrate(p.hashrate.solo), p.hashrate.solo);
  figure("network-hashrate", f.hashrate(p.network?.hashrate), p.network?.hashrate ?? null);
  figure("network-difficulty", f.number(p.network?.difficulty), p.network?.difficulty ?? null);
  figure("network-daa-score", p.network?.daa_score ?? f.DASH, p.network?.daa_score ?? null);
  figure("pool-share", f.percent(p.pool_share), p.pool_share);
  figure("time-to-block", f.duration(p.estimated_seconds_to_block), p.estimated_seconds_to_block);
  figure("miners", f.count(p.miners), p.miners);
  figure("workers", f.count(p.workers), p.workers);
  figure("blocks-credited", f.count(p.blocks.credited), p.blocks.credited);
  figure("blocks-confirming", f.count(p.blocks.confirming), p.blocks.confirming);
  figure("last-block", f.time(p.last_block?.found_at), p.last_block?.found_at ?? null);
  figure("last-block-status", p.last_block?.status ?? f.DASH, p.last_block?.status ?? null);
  figure("last-block-confirmations", f.count(p.last_block?.confirmations), p.last_block?.confirmations ?? null);
  figure("pool-paid", f.kas(p.paid), p.paid.sompi);
  figure("pplns-factor", f.count(p.payout.pplns_factor), p.payout.pplns_factor);
  figure("fee-percent", `${p.fee_percent} %`, p.fee_percent);
  figure("payout-threshold", f.kas(p.payout.threshold), p.payout.threshold.sompi);
  figure("as-of", f.time(p.as_of), p.as_of);
}

const walletCell = (field, address, label = f.shortAddress(address)) => cell(field, label, address, { href: minerPage(address), title: address });

function blockRows(items) {
  return items.map((b) => el("tr", { dataset: { testid: "block-row", hash: b.hash } },
    cell("found_at", f.time(b.found_at), b.found_at),
    cell("hash", b.hash, b.hash, { class: "hash", title: b.hash }),
    cell("status", badge(b.status), b.status),
    cell("confirmations", f.count(b.confirmations), b.confirmations, { class: "num" }),
    walletCell("finder", b.finder.address, `${f.shortAddress(b.finder.address)}.${b.finder.worker}`),
    cell("reward", f.kas(b.reward), b.reward?.sompi ?? null, { class: "num" })));
}

function paymentRows(items) {
  return items.map((p) => el("tr", { dataset: { testid: "payment-row", id: p.id } },
    cell("created_at", f.time(p.created_at), p.created_at),
    walletCell("wallet", p.wallet),
    cell("amount", f.kas(p.amount), p.amount.sompi, { class: "num" }),
    cell("status", badge(p.status), p.status),
    cell("txid", p.txid ?? f.DASH, p.txid, { class: "hash", title: p.txid })));
}

function topRows(items) {
  return items.map((m) => el("tr", { dataset: { testid: "top-row" } },
    walletCell("address", m.address, m.address),
    cell("hashrate", f.hashrate(m.hashrate), m.hashrate, { class: "num" }),
    cell("workers", f.count(m.workers), m.workers, { class: "num" })));
}

let connectFor = "";

async function refresh() {
  try {
    const [pool, blocks, payments, top] = await Promise.all([
      get("/api/v1/pool"), get("/api/v1/pool/blocks?limit=10"), get("/api/v1/pool/payments?limit=10"), get("/api/v1/pool/miners?limit=10"),
    ]);
    summary(pool);
    fillRows($("blocks"), blockRows(blocks.items), "No blocks found yet.");
    fillRows($("payments"), paymentRows(payments.items), "No payments yet.");
    fillRows($("top"), topRows(top.items), "No miner has sent a share in the last 10 minutes.");
    // Rebuilt only when the ports change, so a chosen example port survives the refresh.
    const key = JSON.stringify([pool.ports, pool.payout.threshold]);
    if (key !== connectFor) {
      connectFor = key;
      $("connect-body").replaceChildren(connectSection(pool.ports, pool.payout.threshold, null));
    }
    await drawChart();
    showError($("api-error"), null);
    document.body.dataset.loaded = "true";
  } catch (err) {
    showError($("api-error"), `Could not refresh: ${err.message}`);
  }
}

void refresh();
setInterval(refresh, REFRESH_MS);
