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
