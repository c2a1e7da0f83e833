// The officials' settings page: this browser receives the person's chosen notices by Web Push, or
// stops. The choice of notices works without it; subscribing a browser needs it.
import { currentSubscription, pushSupported, sendJSON, subscribeDevice } from "./push-device.js";

const box = document.querySelector("[data-staff-push]");
const MARK = "pakn-push:staff";

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

function setUp() {
  const data = box.dataset;
  const status = box.querySelector("[data-push-status]");
  const on = box.querySelector("[data-push-on]");
  const off = box.querySelector("[data-push-off]");
  const show = (following, message) => {
    on.hidden = following;
    off.hidden = !following;
    if (message !== undefined) status.textContent = message;
  };
  box.hidden = false;
  currentSubscription().then((subscription) => {
    const following = Boolean(subscription) && localStorage.getItem(MARK) === subscription.endpoint;
    show(following, following ? data.textOn : "");
  }).catch(() => {});

  on.addEventListener("click", async () => {
    on.disabled = true;
    status.textContent = data.textWorking;
    try {
      const subscription = await subscribeDevice({ keyUrl: data.keyUrl, workerUrl: data.sw });
      const response = await sendJSON(data.subscribeUrl, "POST", { subscription }, { "X-CSRFToken": csrfToken() });
      if (response.status !== 201) throw new Error(`status ${response.status}`);
      localStorage.setItem(MARK, subscription.endpoint);
      show(true, data.textOn);
      const count = document.querySelector("[data-push-count]");  // counted when the page was made
      if (count) count.hidden = true;
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
      const endpoint = subscription ? subscription.endpoint : localStorage.getItem(MARK);
      const response = await sendJSON(data.subscribeUrl, "DELETE", { endpoint }, { "X-CSRFToken": csrfToken() });
      if (response.status !== 204) throw new Error(`status ${response.status}`);
      localStorage.removeItem(MARK);
      show(false, data.textOff);
    } catch (error) {
      status.textContent = data.textFailed;
    } finally {
      off.disabled = false;
    }
  });
}

if (box && pushSupported()) setUp();
