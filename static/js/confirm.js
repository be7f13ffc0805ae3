// <form data-confirm="Khóa tài khoản X?">: ask before sending; "Hủy" sends nothing.
// Without JavaScript the form is sent at once.
export function enhance(root) {
  for (const form of root.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  }
}
