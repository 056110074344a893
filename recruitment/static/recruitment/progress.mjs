// Keeps a progress region up to date without reloading the page: every two
// seconds, fetch the page again and put its fresh region in place, until the
// region no longer asks to be refreshed. Without JavaScript, the page has a
// "Check again" link instead. A module file: the CSP allows no inline script.
const INTERVAL_MS = 2000;

async function refresh(region) {
  const response = await fetch(region.dataset.refresh, {
    credentials: "same-origin",
  });
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById(region.id);
  if (!fresh) return;
  region.innerHTML = fresh.innerHTML;
  if (fresh.dataset.refresh) {
    setTimeout(() => refresh(region), INTERVAL_MS);
  } else {
    delete region.dataset.refresh;
  }
}

for (const region of document.querySelectorAll("[data-refresh]")) {
  setTimeout(() => refresh(region), INTERVAL_MS);
}
