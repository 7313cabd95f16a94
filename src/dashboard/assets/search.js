// The address box on every page: asks the API about the address first, so a bad one shows the API's own message
// instead of an empty miner page.

import { get, minerPage, minerPath } from "./api.js";
import { showError } from "./dom.js";

/** Wires the page's #search form and its #search-error box. */
export function addressSearch() {
  const form = document.getElementById("search");
  const errorBox = document.getElementById("search-error");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const address = form.elements.address.value.trim();
    if (!address) return;
    try {
      await get(minerPath(address));
      location.assign(minerPage(address));
    } catch (err) {
      showError(errorBox, err.message);
    }
  });
  form.elements.address.addEventListener("input", () => showError(errorBox, null));
}
