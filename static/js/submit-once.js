// <form data-submit-once>: once sent, its buttons wait ("Đang gửi…") so that a second tap on
// a slow network does not send it twice. A form whose sending was cancelled is left alone.
const BUSY = "Đang gửi…";

export function enhance(root) {
  for (const form of root.querySelectorAll("form[data-submit-once]")) {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) {
        return;
      }
      // After this turn, so that the button's own name and value are still sent.
      setTimeout(() => {
        for (const button of form.querySelectorAll("button[type=submit]")) {
          button.dataset.label = button.textContent;
          button.textContent = BUSY;
          button.disabled = true;
        }
        form.setAttribute("aria-busy", "true");
      });
    });
  }
  // Back to a page kept in the browser's memory: its buttons work again.
  window.addEventListener("pageshow", () => {
    for (const button of root.querySelectorAll("form[data-submit-once] button[disabled]")) {
      button.disabled = false;
      button.textContent = button.dataset.label || button.textContent;
    }
  });
}
