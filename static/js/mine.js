// The home page's "Phản ánh của tôi": the submissions made or opened on this device (codes and
// private links kept in IndexedDB by device-store.js), and those still waiting for a network.
const section = document.getElementById("mine");
const device = window.PaknDevice;
if (section && device) {
  render();
  device.listen(render);
  const flush = () => { if (navigator.onLine) device.flushOutbox().catch(() => {}); };
  window.addEventListener("online", flush);
  flush();
}

async function render() {
  const [mine, waiting] = await Promise.all([device.mine().catch(() => []), device.outbox().catch(() => [])]);
  const list = section.querySelector("#mine-list");
  const items = waiting.map((item) => row(item.title || item.id, null, section.dataset.waitingLabel, item.created));
  mine.sort((a, b) => b.at - a.at);
  for (const entry of mine) {
    const item = row(entry.title || entry.code, entry.url, entry.code, entry.at);
    item.append(forgetButton(entry));
    items.push(item);
  }
  list.replaceChildren(...items);
  section.hidden = items.length === 0;
}

function row(title, url, note, at) {
  const li = document.createElement("li");
  const name = document.createElement(url ? "a" : "span");
  if (url) name.href = url;
  name.textContent = title;
  const code = document.createElement("span");
  code.className = url ? "code small" : "badge state-submitted";
  code.textContent = note;
  const when = document.createElement("span");
  when.className = "muted small";
  when.textContent = at ? new Date(at).toLocaleDateString(document.documentElement.lang || "vi") : "";
  li.append(name, code, when);
  return li;
}

// A shared phone: the citizen can take a case (and its private link) off this device.
function forgetButton(entry) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "mine-forget";
  button.textContent = section.dataset.forgetLabel;
  button.setAttribute("aria-label", `${section.dataset.forgetLabel}: ${entry.code}`);
  button.addEventListener("click", () => device.forget(entry.code).then(render).catch(() => {}));
  return button;
}
