// The private case page: copy the private link with one tap.
for (const button of document.querySelectorAll("[data-copy]")) {
  const input = document.querySelector(button.dataset.copy);
  if (!input) continue;
  button.hidden = false;
  const label = button.textContent;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      input.select();
      document.execCommand("copy");
    }
    button.textContent = button.dataset.done;
    setTimeout(() => { button.textContent = label; }, 2500);
  });
}

// "Phản ánh của tôi": this device remembers the case and its private link (never sent anywhere).
const root = document.getElementById("private-case");
if (root && root.dataset.liveFeedback && window.PaknDevice) {
  const url = `${location.pathname}?key=${encodeURIComponent(root.dataset.liveFeedback)}`;
  const title = (root.querySelector(".case-title")?.textContent || "").trim();
  window.PaknDevice.remember({ code: root.dataset.trackingCode, url, title, at: Date.now() }).catch(() => {});
}
