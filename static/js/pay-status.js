// <article data-status-url="/pay/status?t=…" data-paid="0">: after a QR is shown, asks every
// 2.5 s whether the school received the transfer; when it did, says so ("Nhà trường đã nhận …")
// and lists the receipts, and the count of what is still due at the top follows, without a
// reload. Without JavaScript a reload shows the same.
const EVERY = 2500;
const GIVE_UP = 30 * 60 * 1000; // a page left open stops asking after half an hour

function receiptItem(receipt) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = receipt.url;
  link.textContent = `Biên lai số ${receipt.label} (PDF)`;
  const cancelled = receipt.cancelled ? " (đã hủy)" : "";
  item.append(link, ` – ${receipt.amount_text}, ${receipt.issued_on}${cancelled}`);
  return item;
}

function countDue() {
  // The line at the top follows: how many invoices still wait for money, and once none
  // does, the school's account (only needed to pay) goes away too.
  const line = document.querySelector("[data-due-count]");
  if (!line) {
    return;
  }
  const due = document.querySelectorAll("article[data-status-url]:not(.settled)").length;
  line.textContent = due
    ? `${due.toLocaleString("vi-VN")} khoản cần nộp.`
    : "không còn khoản nào phải nộp.";
  const payee = document.querySelector("[data-payee]");
  if (payee) {
    payee.hidden = due === 0;
  }
}

function show(article, state) {
  article.dataset.paid = String(state.paid_amount);
  article.querySelector("[data-status]").textContent = state.message;
  article.classList.toggle("settled", state.settled);
  if (state.settled) {
    for (const due of article.querySelectorAll("[data-pay], [data-due]")) {
      due.hidden = true; // nothing left to pay: no QR, no amount due
    }
  }
  countDue();
  const list = article.querySelector("[data-receipts]");
  if (list && state.receipts.length) {
    list.replaceChildren(...state.receipts.map(receiptItem));
    list.closest("section").hidden = false;
  }
}

async function ask(article, started) {
  if (Date.now() - started > GIVE_UP) {
    return;
  }
  try {
    const answer = await fetch(article.dataset.statusUrl, {
      headers: { Accept: "application/json" },
      cache: "no-store",
    });
    if (answer.status === 404 || answer.status === 410) {
      return; // the link is no longer good: a reload gives a new one
    }
    if (answer.ok) {
      const state = await answer.json();
      if (String(state.paid_amount) !== article.dataset.paid) {
        show(article, state);
      }
      if (state.settled) {
        return;
      }
    }
  } catch {
    // offline for a moment: ask again below
  }
  setTimeout(() => ask(article, started), EVERY);
}

export function enhance(root) {
  for (const article of root.querySelectorAll("[data-status-url]")) {
    const started = Date.now();
    setTimeout(() => ask(article, started), EVERY);
  }
}

enhance(document);
