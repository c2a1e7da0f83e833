// Shared by the citizen's pages: mark that scripts run, install the offline worker, warn when offline.
document.documentElement.classList.add("js");

const me = document.getElementById("citizen-common");
if ("serviceWorker" in navigator && me && me.dataset.sw) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register(me.dataset.sw, { scope: "/" }).catch(() => {});
  });
}

function connectionBanner() {
  const banner = document.getElementById("offline-banner");
  if (banner) banner.hidden = navigator.onLine;
  document.body.classList.toggle("is-offline", !navigator.onLine);
}
window.addEventListener("online", connectionBanner);
window.addEventListener("offline", connectionBanner);
if (!navigator.onLine) connectionBanner();
