// <div data-show-if="role=market_manager school_admin">: shown only while the form's field
// "role" holds one of the values. Without JavaScript everything stays shown.
function valueOf(form, name) {
  const field = form.elements.namedItem(name);
  if (!field) {
    return "";
  }
  return field.value ?? "";
}

export function enhance(root) {
  for (const block of root.querySelectorAll("[data-show-if]")) {
    const form = block.closest("form");
    const [name, values] = block.dataset.showIf.split("=");
    const wanted = values.split(" ");
    const update = () => {
      block.hidden = !wanted.includes(valueOf(form, name));
    };
    form.addEventListener("change", update);
    update();
  }
}
