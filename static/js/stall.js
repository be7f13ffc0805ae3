// The vendor's phone: each credited transfer appears the moment it lands (Server-Sent Events
// from /stall/events) and is read aloud in Vietnamese ("Đã nhận sáu mươi nghìn đồng"); where
// the phone has no Vietnamese voice, a chime and the amount in very large digits. Announcing
// can be switched off; the screen can be kept awake. Without JavaScript the page still shows
// today's takings (reload for new ones).
const money = new Intl.NumberFormat("vi-VN");
const clock = new Intl.DateTimeFormat("vi-VN", {
  timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", hour12: false,
});
const ANNOUNCE_KEY = "stall.announce";
const FLASH_MS = 6000;

const vnd = (amount) => `${money.format(amount)} ₫`;

function vietnameseVoice() {
  if (!("speechSynthesis" in window)) {
    return null;
  }
  return speechSynthesis.getVoices().find((voice) => voice.lang.toLowerCase().startsWith("vi")) || null;
}

let audio = null;
function chime() {
  try {
    audio = audio || new AudioContext();
    const now = audio.currentTime;
    for (const [i, pitch] of [880, 1320].entries()) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = pitch;
      gain.gain.setValueAtTime(0.3, now + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.001, now + i * 0.18 + 0.5);
      tone.connect(gain).connect(audio.destination);
      tone.start(now + i * 0.18);
      tone.stop(now + i * 0.18 + 0.5);
    }
  } catch {
    // no sound on this phone: the large digits still show
  }
}

function flash(text) {
  const shown = document.querySelector("[data-flash]");
  if (!shown) {
    return;
  }
  shown.textContent = text;
  shown.hidden = false;
  clearTimeout(shown.timer);
  shown.timer = setTimeout(() => { shown.hidden = true; }, FLASH_MS);
}

function announcing() {
  return localStorage.getItem(ANNOUNCE_KEY) !== "off";
}

function say(words, amount) {
  flash(`+${vnd(amount)}`);
  if (!announcing()) {
    return;
  }
  const voice = vietnameseVoice();
  if ("speechSynthesis" in window) {
    const utterance = new SpeechSynthesisUtterance(words);
    utterance.lang = "vi-VN";
    if (voice) {
      utterance.voice = voice;
    }
    speechSynthesis.speak(utterance);
  }
  if (!voice) {
    chime();
  }
}

function cell(row, label, text, className) {
  const td = document.createElement(label === "Giờ" ? "th" : "td");
  if (label === "Giờ") {
    td.scope = "row";
  }
  td.dataset.label = label;
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  row.append(td);
}

function addRow(root, data, reversal) {
  const rows = root.querySelector("[data-rows]");
  if (!rows || rows.querySelector(`[data-payment="${data.payment_id}"]`)) {
    return false;
  }
  const row = document.createElement("tr");
  row.dataset.payment = data.payment_id;
  row.className = reversal ? "fresh reversed" : "fresh";
  cell(row, "Giờ", clock.format(new Date(data.occurred_at)));
  cell(row, "Số tiền", `${reversal ? "−" : ""}${vnd(data.amount)}`, "number amount");
  cell(row, "Ngân hàng", data.payer_bank || "—");
  cell(row, "Người chuyển", data.payer || "—");
  cell(row, "Nội dung", data.description || "—");
  rows.prepend(row);
  const empty = root.querySelector("[data-empty]");
  if (empty) {
    empty.hidden = true;
  }
  return true;
}

function bump(root, selector, by, format) {
  const figure = root.querySelector(selector);
  if (figure) {
    const value = Number(figure.dataset.value) + by;
    figure.dataset.value = value;
    figure.textContent = format(value);
  }
}

function state(root, text, on) {
  const line = root.querySelector("[data-live-state]");
  if (line) {
    line.textContent = text;
    line.classList.toggle("on", on);
    line.classList.toggle("off", !on);
  }
}

// The line to /stall/events. EventSource reconnects by itself after a network loss, sending
// Last-Event-ID; when the browser gave up (or the line was closed) a new one starts after the
// last payment seen, so nothing is missed and nothing comes twice.
function listen(url, root, onPayment, onReversal) {
  const start = new URL(url, location.href);
  let last = Number(start.searchParams.get("after")) || 0;
  let source = null;
  const seen = (handler) => (event) => {
    const data = JSON.parse(event.data);
    last = Math.max(last, Number(event.lastEventId) || 0);
    handler(data);
  };
  const connect = () => {
    if (last) {
      start.searchParams.set("after", String(last));
    }
    source = new EventSource(start);
    window.stallEvents = source; // a test cuts the line through it
    source.addEventListener("open", () => state(root, "Đang chờ tiền vào", true));
    source.addEventListener("error", () => {
      state(root, "Mất kết nối, đang nối lại…", false);
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, 3000);
      }
    });
    source.addEventListener("payment", seen(onPayment));
    source.addEventListener("reversal", seen(onReversal));
  };
  connect();
  window.stallReconnect = () => { // after a cut: the line comes back where it stopped
    source.close();
    connect();
  };
  return { close: () => source.close() };
}

// Phones speak and sound only after the person touched the page once since it loaded: until
// then a banner asks for that one touch (where the browser can tell).
function tapHint(root) {
  const hint = root.querySelector("[data-tap-hint]");
  const activation = navigator.userActivation;
  if (!hint || !activation || activation.hasBeenActive) {
    return;
  }
  hint.hidden = !announcing();
  const done = () => { hint.hidden = true; };
  document.addEventListener("pointerdown", done, { once: true });
  document.addEventListener("keydown", done, { once: true });
}

function toggles(root) {
  const announce = root.querySelector("[data-announce]");
  if (announce) {
    const show = () => {
      announce.setAttribute("aria-pressed", String(announcing()));
      announce.textContent = `Đọc số tiền: ${announcing() ? "Bật" : "Tắt"}`;
    };
    announce.hidden = false;
    show();
    announce.addEventListener("click", () => {
      localStorage.setItem(ANNOUNCE_KEY, announcing() ? "off" : "on");
      show();
    });
  }
  const wake = root.querySelector("[data-wake]");
  if (wake && "wakeLock" in navigator) {
    let lock = null;
    const show = () => {
      wake.setAttribute("aria-pressed", String(Boolean(lock)));
      wake.textContent = `Giữ màn hình sáng: ${lock ? "Bật" : "Tắt"}`;
    };
    const acquire = async () => {
      try {
        lock = await navigator.wakeLock.request("screen");
        lock.addEventListener("release", () => { if (document.visibilityState === "visible") { lock = null; show(); } });
      } catch {
        lock = null;
      }
      show();
    };
    wake.hidden = false;
    wake.addEventListener("click", async () => {
      if (lock) {
        const held = lock;
        lock = null;
        await held.release();
        show();
      } else {
        wake.dataset.wanted = "yes";
        await acquire();
      }
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && wake.dataset.wanted === "yes" && !lock) {
        acquire();
      }
    });
  }
}

function today(root) {
  toggles(root);
  tapHint(root);
  listen(
    root.dataset.events,
    root,
    (data) => {
      if (addRow(root, data, false)) {
        bump(root, "[data-total]", data.amount, vnd);
        bump(root, "[data-count]", 1, (n) => money.format(n));
        say(data.spoken, data.amount);
      }
    },
    (data) => {
      if (addRow(root, data, true)) {
        bump(root, "[data-total]", -data.amount, vnd);
        bump(root, "[data-count]", -1, (n) => money.format(n));
      }
    },
  );
}

function charge(root) {
  const reference = root.dataset.reference;
  const paid = root.querySelector("[data-paid]");
  if (!paid.hidden) {
    return;
  }
  const source = listen(root.dataset.events, root, (data) => {
    if (data.reference === reference) {
      root.querySelector("[data-waiting]").hidden = true;
      paid.hidden = false;
      say(data.spoken, data.amount);
      source.close();
    }
  }, () => {});
}

if ("speechSynthesis" in window) {
  speechSynthesis.getVoices(); // voices load late on Android: ask early
}
for (const root of document.querySelectorAll("[data-stall-live]")) {
  today(root);
}
for (const root of document.querySelectorAll("[data-stall-charge]")) {
  charge(root);
}
for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
