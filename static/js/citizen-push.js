// The private page's offer "Nhận thông báo trên thiết bị này": this browser follows the case by
// Web Push (the private key proves it is the submitter's), or stops. The page works without it:
// the offer stays hidden where scripts or Web Push are missing.
import { currentSubscription, needsHomeScreen, pushSupported, sendJSON, subscribeDevice } from "./push-device.js";

const offer = document.querySelector("[data-push-offer]");
const remembered = (code) => `pakn-push:${code}`;

function followedCodes() {
  return Object.keys(localStorage).filter((name) => name.startsWith("pakn-push:"));
}

function setUp() {
  const data = offer.dataset;
  const status = offer.querySelector("[data-push-status]");
  const on = offer.querySelector("[data-push-on]");
  const off = offer.querySelector("[data-push-off]");
  const show = (following, message) => {
    on.hidden = following;
    off.hidden = !following;
    offer.classList.toggle("is-on", following);
    if (message !== undefined) status.textContent = message;
  };

  currentSubscription().then((subscription) => {
    const following = Boolean(subscription) && localStorage.getItem(remembered(data.code)) === subscription.endpoint;
    show(following, following ? data.textOn : "");
    if (!following && Notification.permission === "denied") status.textContent = data.textDenied;
    // Tell the server again what this browser holds: a subscription the browser renewed, or one
    // the server let go, is put right without a tap.
    if (following) sendJSON(data.subscribeUrl, "POST", { key: data.key, subscription: subscription.toJSON() }).catch(() => {});
  }).catch(() => {});

  on.addEventListener("click", async () => {
    on.disabled = true;
    status.textContent = data.textWorking;
    try {
      const subscription = await subscribeDevice({ keyUrl: data.keyUrl, workerUrl: data.sw });
      const response = await sendJSON(data.subscribeUrl, "POST", { key: data.key, subscription });
      if (response.status !== 201) throw new Error(`status ${response.status}`);
      localStorage.setItem(remembered(data.code), subscription.endpoint);
      show(true, data.textOn);
    } catch (error) {
      show(false, error.reason === "denied" ? data.textDenied : data.textFailed);
    } finally {
      on.disabled = false;
    }
  });

  off.addEventListener("click", async () => {
    off.disabled = true;
    try {
      const subscription = await currentSubscription();
      const endpoint = subscription ? subscription.endpoint : localStorage.getItem(remembered(data.code));
      const response = await sendJSON(data.subscribeUrl, "DELETE", { key: data.key, endpoint });
      if (response.status !== 204) throw new Error(`status ${response.status}`);
      localStorage.removeItem(remembered(data.code));
      // The browser's subscription goes too once no case on this device uses it.
      if (subscription && followedCodes().length === 0) await subscription.unsubscribe();
      show(false, data.textOff);
    } catch (error) {
      status.textContent = data.textFailed;
    } finally {
      off.disabled = false;
    }
  });
}

// The offer shows only where it can work: Web Push in this browser, and a key on the server.
if (offer && pushSupported()) {
  fetch(offer.dataset.keyUrl, { headers: { Accept: "application/json" } }).then((response) => {
    if (!response.ok) return;
    offer.hidden = false;
    setUp();
  }).catch(() => {});
} else if (needsHomeScreen()) {
  const hint = document.querySelector("[data-push-ios]");
  if (hint) hint.hidden = false;
}
