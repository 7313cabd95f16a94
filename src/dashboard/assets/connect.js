// How to point each miner family at this pool: the stratum URL from the page's host and each port the API lists
// (stratum+ssl for a TLS port), the user "<address>.<worker>", and the password options the stratum login reads
// (d= start difficulty, pl= payout limit in KAS).

import { el } from "./dom.js";
import { DASH, number } from "./format.js";

const FAMILIES = [
  { name: "lolMiner", kind: "GPU", line: (p) => `lolMiner --algo KASPA --pool ${p.hostPort} --user ${p.user} --pass ${p.pass}` },
  { name: "BzMiner", kind: "GPU", line: (p) => `bzminer -a kaspa -p ${p.url} -w ${p.user} --pool_password ${p.pass}` },
  { name: "SRBMiner", kind: "GPU", line: (p) => `SRBMiner-MULTI --algorithm kaspa --pool ${p.hostPort} --wallet ${p.user} --password ${p.pass}` },
  { name: "IceRiver", kind: "ASIC" },
  { name: "Bitmain", kind: "ASIC" },
  { name: "Goldshell", kind: "ASIC" },
];

const code = (text, testid) => el("code", { dataset: testid ? { testid } : {} }, text);

/** The connect section for `ports` ({port, mode, difficulty}); `address` fills the user when known. */
export function connectSection(ports, threshold, address) {
  const host = location.hostname;
  const user = `${address ?? "YOUR_KASPA_ADDRESS"}.rig1`;
  const tls = new Set(ports.filter((p) => p.tls).map((p) => String(p.port)));
  const urlOf = (port) => `stratum+${tls.has(String(port)) ? "ssl" : "tcp"}://${host}:${port}`;
  const table = el("table", { class: "ports" },
    el("thead", {}, el("tr", {}, el("th", {}, "Port"), el("th", {}, "Mode"), el("th", {}, "Start difficulty"), el("th", {}, "URL"))),
    el("tbody", {}, ...ports.map((p) => el("tr", { dataset: { testid: "port-row" } },
      el("td", { dataset: { field: "port", value: String(p.port) } }, String(p.port)),
      el("td", { dataset: { field: "mode", value: p.mode } }, `${p.mode.toUpperCase()}${p.tls ? " · TLS" : ""}`),
      el("td", { dataset: { field: "difficulty", value: JSON.stringify(p.difficulty) } }, number(p.difficulty)),
      el("td", {}, code(urlOf(p.port), "connect-url"))))));

  const cards = el("div", { class: "families" });
  const select = el("select", { "aria-label": "port for the examples" },
    ...ports.map((p) => el("option", { value: String(p.port) }, `${p.port} (${p.mode.toUpperCase()})`)));
  const fill = () => {
    const port = select.value;
    const p = { url: urlOf(port), hostPort: `${host}:${port}`, user, pass: "x" };
    cards.replaceChildren(...FAMILIES.map((f) => el("div", { class: "family", dataset: { testid: `connect-${f.name.toLowerCase()}` } },
      el("h4", {}, f.name, el("span", { class: "kind" }, f.kind)),
      f.line
        ? el("pre", {}, f.line(p))
        : el("dl", {},
          el("dt", {}, "Pool URL"), el("dd", {}, code(p.url)),
          el("dt", {}, "Worker"), el("dd", {}, code(p.user)),
          el("dt", {}, "Password"), el("dd", {}, code(p.pass))))));
  };
  select.addEventListener("change", fill);
  fill();

  return el("div", { class: "connect" },
    ports.length ? el("div", { class: "scroll" }, table) : el("p", { class: "muted" }, "This pool lists no stratum ports."),
    el("ul", { class: "rules" },
      el("li", {}, "User: ", code("<address>.<worker>"), ", e.g. ", code(user), ". The ", code("kaspa:"), " prefix may be left out; the worker name tells your rigs apart."),
      el("li", {}, "Password: anything (", code("x"), "), optionally with ", code("d=<difficulty>"), " for a start difficulty and ",
        code("pl=<KAS>"), ` for a payout limit above the pool's ${threshold ? threshold.kas : DASH} KAS, comma-separated: `, code("x,d=4096,pl=25"), ".")),
    ports.length > 1 ? el("label", { class: "port-pick" }, "Examples for port ", select) : null,
    cards);
}
