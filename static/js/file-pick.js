// <input type="file">: the browser's own button says "Choose File" in the browser's language,
// whatever the page's. This puts a Vietnamese button and the chosen file's name in its place;
// the field itself stays (hidden from sight) for the form, its label and the browser's checks.
// data-max-bytes + data-too-large: a file over the limit is refused here, before it is sent.
// Without JavaScript the browser's own field shows (and the server says the same).
const NONE = "Chưa chọn tệp nào";

function attach(input) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "secondary";
  button.textContent = input.multiple ? "Chọn các tệp" : "Chọn tệp";
  const label = input.labels?.[0]?.textContent.trim();
  if (label) {
    button.setAttribute("aria-label", `${label}: ${button.textContent}`);
  }
  for (const name of ["aria-describedby", "aria-invalid"]) {
    if (input.hasAttribute(name)) {
      button.setAttribute(name, input.getAttribute(name));
    }
  }
  const chosen = document.createElement("span");
  chosen.className = "file-name";
  chosen.setAttribute("aria-live", "polite");
  chosen.textContent = NONE;
  const row = document.createElement("div");
  row.className = "file-pick";
  row.append(button, chosen);
  input.after(row);
  input.classList.add("file-hidden");
  input.tabIndex = -1;
  button.addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    const files = [...input.files];
    const names = files.map((file) => file.name);
    const limit = Number(input.dataset.maxBytes || Infinity);
    const tooLarge = files.some((file) => file.size > limit) ? input.dataset.tooLarge : "";
    input.setCustomValidity(tooLarge); // the form is not sent: the server would refuse it
    chosen.textContent = (names.length ? names.join(", ") : NONE) + (tooLarge ? ` – ${tooLarge}` : "");
  });
}

export function enhance(root) {
  for (const input of root.querySelectorAll("input[type=file]")) {
    attach(input);
  }
}
