// <form data-placard-build="/markets/X/placards/builds" data-progress="#region">: instead of
// waiting on a frozen tab, start a build of the PDF, show how far it is, then offer the file.
// If anything goes wrong the form is sent as it is, and the server answers the PDF itself.
const WAIT_MS = 1000;
const number = new Intl.NumberFormat("vi-VN");

function show(region, build) {
  const bar = region.querySelector("progress");
  bar.max = Math.max(build.total, 1);
  bar.value = build.done;
  const status = region.querySelector(".build-status");
  if (build.status === "done") {
    status.textContent = `Xong: ${number.format(build.total)} placard. Bấm “Lưu file PDF về máy”.`;
  } else if (build.status === "failed") {
    status.textContent = "Không tạo được file. Hãy bấm “Tải file PDF” để thử lại.";
  } else {
    status.textContent = `Đã vẽ ${number.format(build.done)} / ${number.format(build.total)} placard…`;
  }
}

async function follow(form, region) {
  const answer = await fetch(form.dataset.placardBuild, {
    method: "POST",
    body: new FormData(form),
    headers: { Accept: "application/json" },
  });
  if (answer.status !== 202) {
    throw new Error(`build refused: ${answer.status}`);
  }
  let build = await answer.json();
  region.hidden = false;
  show(region, build);
  while (build.status === "running") {
    await new Promise((resolve) => setTimeout(resolve, WAIT_MS));
    const polled = await fetch(build.progress, { headers: { Accept: "application/json" } });
    build = await polled.json();
    show(region, build);
  }
  return build;
}

export function enhance(root) {
  for (const form of root.querySelectorAll("form[data-placard-build]")) {
    const region = document.querySelector(form.dataset.progress);
    const button = form.querySelector("button[type=submit]");
    const link = region.querySelector("[data-download]");
    form.addEventListener("submit", async (event) => {
      if (event.defaultPrevented) {
        return;
      }
      event.preventDefault();
      button.disabled = true;
      link.hidden = true;
      try {
        const build = await follow(form, region);
        if (build.download) {
          link.href = build.download;
          link.hidden = false;
          link.focus();
        }
      } catch {
        form.submit(); // the server explains a refusal, or answers the PDF
      } finally {
        button.disabled = false;
      }
    });
  }
}
