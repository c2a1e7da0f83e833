// The private case page: copy the private link with one tap. The link sits outside the part that
// live updates swap in; a copy button that does come back with that part is set up again.
function setUpCopyButtons(root) {
  for (const button of root.querySelectorAll("[data-copy]")) {
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
}

setUpCopyButtons(document);
document.addEventListener("pakn:updated", (event) => setUpCopyButtons(event.detail?.root || document));

// "Phản ánh của tôi": this device remembers the case and its private link (never sent anywhere).
const root = document.getElementById("private-case");
if (root && root.dataset.liveFeedback && window.PaknDevice) {
  const url = `${location.pathname}?key=${encodeURIComponent(root.dataset.liveFeedback)}`;
  const title = (root.querySelector(".case-title")?.textContent || "").trim();
  window.PaknDevice.remember({ code: root.dataset.trackingCode, url, title, at: Date.now() }).catch(() => {});
}
