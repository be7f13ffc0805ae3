// <form method="get" data-live-search data-results="#staff-results">: results follow the
// fields as one types (a pause of 300 ms), without a reload. The server renders the same
// page as for the submit button; the region named by data-results is taken from it. The
// address bar follows, so a reload or a shared link shows the same results. What the new
// region's [data-live-count] says is read out to screen readers.
const PAUSE_MS = 300;

function announcer(form) {
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.after(status);
  return status;
}

function attach(form) {
  const target = document.querySelector(form.dataset.results);
  if (!target) {
    return;
  }
  let timer = null;
  let running = null;
  const status = announcer(form);

  const query = () => new URLSearchParams(new FormData(form)).toString();
  let shown = query(); // what the region shows now

  async function refresh() {
    const url = new URL(form.action || window.location.href, window.location.href);
    shown = query();
    url.search = shown;
    running?.abort();
    running = new AbortController();
    target.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, {
        headers: { Accept: "text/html" },
        signal: running.signal,
      });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.querySelector(form.dataset.results);
      if (fresh) {
        target.replaceChildren(...fresh.childNodes);
        window.history.replaceState(null, "", url);
        status.textContent = target.querySelector("[data-live-count]")?.textContent.trim() ?? "";
      }
    } catch (error) {
      if (error.name !== "AbortError") {
        form.submit(); // the ordinary way still works
      }
    } finally {
      target.removeAttribute("aria-busy");
    }
  }

  function soon() {
    if (query() === shown) {
      return; // a field left after typing (its "change") asks nothing new: keep what was chosen
    }
    clearTimeout(timer);
    timer = setTimeout(refresh, PAUSE_MS);
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    refresh();
  });
}

export function enhance(root) {
  for (const form of root.querySelectorAll("form[data-live-search]")) {
    attach(form);
  }
}
