// Web Push on this browser, shared by the citizen's private page and the officials' settings page.
// The site's worker (/sw.js) holds one subscription, made with the province's public key; a page
// asks for the browser's permission only when the person taps "receive notifications", never on
// load. What the server needs is the subscription's JSON (endpoint and keys).

export function pushSupported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

// iPhones take Web Push only in a site added to the Home Screen (iOS 16.4 and later).
export function needsHomeScreen() {
  const ios = /iPad|iPhone|iPod/.test(navigator.userAgent);
  const standalone = window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;
  return ios && !standalone && !pushSupported();
}

function keyBytes(base64url) {
  const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function madeWith(subscription, key) {
  const used = subscription.options && subscription.options.applicationServerKey;
  if (!used) return true;
  const bytes = new Uint8Array(used);
  return bytes.length === key.length && bytes.every((b, i) => b === key[i]);
}

async function workerRegistration(workerUrl) {
  if (!(await navigator.serviceWorker.getRegistration("/"))) {
    await navigator.serviceWorker.register(workerUrl, { scope: "/" });
  }
  return navigator.serviceWorker.ready;
}

// The browser's current subscription, if the site's worker has one.
export async function currentSubscription() {
  const registration = await navigator.serviceWorker.getRegistration("/");
  return registration ? registration.pushManager.getSubscription() : null;
}

function failure(reason) {
  const error = new Error(reason);
  error.reason = reason;
  return error;
}

// Ask for permission, fetch the province's key, and return the subscription's JSON (a new one if
// the key changed since this browser last subscribed). Throws with reason "denied" or "unavailable".
export async function subscribeDevice({ keyUrl, workerUrl }) {
  const permission = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
  if (permission !== "granted") throw failure("denied");
  const response = await fetch(keyUrl, { headers: { Accept: "application/json" } });
  if (!response.ok) throw failure("unavailable");
  const key = keyBytes((await response.json()).public_key);
  const registration = await workerRegistration(workerUrl);
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !madeWith(subscription, key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  if (!subscription) {
    subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  }
  return subscription.toJSON();
}

// Send a JSON body; resolves to the response (the caller checks its status).
export function sendJSON(url, method, body, headers = {}) {
  return fetch(url, {
    method,
    headers: { "Content-Type": "application/json", Accept: "application/json", ...headers },
    body: JSON.stringify(body),
  });
}
