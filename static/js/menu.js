// The phone's menu (<details class="menu">): Escape closes it and puts the focus back on its
// button, as a menu button does.
export function enhance(root) {
  for (const menu of root.querySelectorAll("details.menu")) {
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }
}
