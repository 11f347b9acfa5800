// Shows beside an amount field how the server reads what is typed ("€ 100.000,50 (€ 0,1 mln)"),
// before saving. The same parser saves it, so the preview is what will be stored; the form
// works without it, and the message after saving says the same.
"use strict";

const WAIT_MS = 200;

function previewAmount(input) {
  const output = input.nextElementSibling;
  let timer;
  let pending;
  const show = async () => {
    pending?.abort();
    pending = new AbortController();
    const url = new URL(input.dataset.moneyPreview, window.location.href);
    url.searchParams.set("bedrag", input.value);
    try {
      const response = await fetch(url, {
        signal: pending.signal,
        headers: { Accept: "application/json" },
      });
      if (!response.ok) {
        return;
      }
      const reading = await response.json();
      output.textContent = reading.error ?? (reading.amount ? `= ${reading.amount}` : "");
      output.classList.toggle("money-preview--error", Boolean(reading.error));
    } catch (error) {
      if (error.name !== "AbortError") {
        throw error;
      }
    }
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(show, WAIT_MS);
  });
  if (input.value.trim()) {
    show();
  }
}

document.querySelectorAll("input[data-money-preview]").forEach(previewAmount);
