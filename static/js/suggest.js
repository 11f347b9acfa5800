// Suggests records by name while the reader types into a filter that takes a name. The form
// works without it: the server reads a typed name, label or kenmerk all the same.
"use strict";

const WAIT_MS = 150;

function suggestInto(input) {
  const list = document.getElementById(input.getAttribute("list"));
  let timer;
  let pending;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) {
      return;
    }
    timer = setTimeout(async () => {
      pending?.abort();
      pending = new AbortController();
      const url = new URL(input.dataset.suggest, window.location.href);
      url.searchParams.set("q", text);
      try {
        const response = await fetch(url, {
          signal: pending.signal,
          headers: { Accept: "application/json" },
        });
        if (!response.ok) {
          return;
        }
        const records = await response.json();
        list.replaceChildren(
          ...records.map((record) => {
            const option = document.createElement("option");
            option.value = record.label;
            return option;
          }),
        );
      } catch (error) {
        if (error.name !== "AbortError") {
          throw error;
        }
      }
    }, WAIT_MS);
  });
}

document.querySelectorAll("input[data-suggest][list]").forEach(suggestInto);
