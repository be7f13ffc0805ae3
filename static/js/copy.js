// <button data-copy="#first-password" hidden>: copies the text of the element named, then
// says so on the button for a moment. Hidden without JavaScript (nothing to copy with). The
// element's data-copy-value, when it has one, is copied instead of its text (an amount's digits).
const DONE = "Đã chép";
const FAILED = "Hãy chọn và chép bằng tay";

function selectText(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

async function copy(button) {
  const source = document.querySelector(button.dataset.copy);
  if (!source) {
    return;
  }
  const label = button.dataset.label || button.textContent;
  button.dataset.label = label;
  try {
    await navigator.clipboard.writeText(source.dataset.copyValue ?? source.textContent.trim());
    button.textContent = DONE;
  } catch {
    selectText(source);
    button.textContent = FAILED;
  }
  setTimeout(() => { button.textContent = label; }, 2500);
}

export function enhance(root) {
  for (const button of root.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.setAttribute("aria-live", "polite");
    button.addEventListener("click", () => copy(button));
  }
}
