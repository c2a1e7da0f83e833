// The submission form, made kinder to a phone on a slow network. Without this file the form still
// posts as plain HTML; with it: a map to place the problem, smaller photos, "similar feedback
// nearby", a draft kept on the device, a resend that reuses the form's one idempotency key so a
// retry never makes a second case, and a queue for what is sent without a network.
import { locationPicker, parseBounds } from "./map.js";

const MAX_SIDE = 2048;
const QUALITY = 0.85;
const KEEP_AS_IS_BYTES = 1_500_000;
const DRAFT_KEY = "pakn-draft-v1";
const NOT_IN_DRAFT = new Set(["csrfmiddlewaretoken", "website", "photos"]);

const form = document.getElementById("submit-form");
if (form) enhance(form);

function messages() {
  const map = {};
  for (const el of document.querySelectorAll("#submit-messages [data-key]")) map[el.dataset.key] = el.textContent.trim();
  return (key, values = {}) => (map[key] || key).replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

function enhance(form) {
  const t = messages();
  const $ = (selector) => form.querySelector(selector);
  const state = { photos: [], processing: Promise.resolve(), sending: false, sent: false };
  const limit = Number(form.dataset.photoLimit) || 5;

  const draft = setUpDraft(form, t);
  filterCategoriesByKind(form);
  countCharacters($("#id_description"), document.getElementById("description-count"));
  toggleContact($("#id_anonymous"), $("#contact-fields"));
  const nearby = setUpNearby(form, t);
  state.location = setUpLocation(form, t, () => { nearby(); draft.save(); });
  $("#id_category").addEventListener("change", nearby);
  nearby();
  setUpPhotos(form, t, state, limit);
  setUpSending(form, t, state, draft);
  setUpOutbox(form, t, state, draft);
}

// --- the draft kept on the device ----------------------------------------------------------------
// What was typed and chosen (not the photos) survives a reload, a crash or a closed tab, and goes
// once the submission has been made. A form the server sent back with errors already holds what
// was sent: the draft does not overwrite it.

function readDraft() {
  try {
    return JSON.parse(localStorage.getItem(DRAFT_KEY) || "null");
  } catch {
    return null;
  }
}

function setUpDraft(form, t) {
  const keyInput = form.querySelector("input[name=idempotency_key]");
  const returnedWithErrors = Boolean(document.querySelector("#form-errors .notice"));
  const saved = readDraft();
  let timer = null;
  const save = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const values = {};
      for (const element of form.elements) {
        if (!element.name || NOT_IN_DRAFT.has(element.name) || element.type === "file" || element.type === "submit") continue;
        if ((element.type === "radio" || element.type === "checkbox") && !element.checked) continue;
        values[element.name] = element.value;
      }
      try {
        localStorage.setItem(DRAFT_KEY, JSON.stringify({ key: keyInput.value, values, saved: Date.now() }));
      } catch { /* storage full or refused: the form still works */ }
    }, 250);
  };
  const clear = () => {
    clearTimeout(timer);
    localStorage.removeItem(DRAFT_KEY);
  };
  if (!returnedWithErrors) {
    if (saved && saved.values) {
      restore(form, saved);
      showDraftNotice(t, clear);
    } else {
      // A form page may come from the offline cache: its key is new only if made here.
      keyInput.value = freshKey();
    }
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  // A draft whose submission was sent while this page was closed (from the queue) is done.
  if (saved && window.PaknDevice) {
    window.PaknDevice.mine().then((entries) => {
      if (entries.some((entry) => entry.key === saved.key)) {
        clear();
        window.location.reload(); // start from the clean form
      }
    }).catch(() => {});
  }
  return { save, clear };
}

function restore(form, saved) {
  const values = saved.values || {};
  for (const element of form.elements) {
    if (!element.name || NOT_IN_DRAFT.has(element.name) || element.type === "file") continue;
    if (element.type === "radio") element.checked = values[element.name] === element.value;
    else if (element.type === "checkbox") element.checked = element.name in values;
    else if (element.name in values) element.value = values[element.name];
  }
  if (saved.key) form.querySelector("input[name=idempotency_key]").value = saved.key;
}

function showDraftNotice(t, clear) {
  const notice = document.getElementById("draft-notice");
  if (!notice) return;
  notice.querySelector("[data-text]").textContent = t("draft_restored");
  notice.hidden = false;
  notice.querySelector("button").addEventListener("click", () => {
    clear();
    window.location.reload(); // the clean form, with a new key
  });
}

// --- kind, category, counters, contact ----------------------------------------------------------

function filterCategoriesByKind(form) {
  const select = form.querySelector("#id_category");
  const apply = () => {
    const kind = form.querySelector("input[name=kind]:checked")?.value;
    for (const option of select.options) {
      if (!option.value) continue;
      const fits = !kind || (option.dataset.kinds || "").split(" ").includes(kind);
      option.hidden = !fits;
      option.disabled = !fits;
    }
    if (select.selectedOptions[0]?.disabled) select.value = "";
    form.classList.toggle("needs-photo", kind === "on_site");
  };
  for (const radio of form.querySelectorAll("input[name=kind]")) radio.addEventListener("change", apply);
  apply();
}

function countCharacters(textarea, output) {
  if (!textarea || !output) return;
  const update = () => { output.value = output.textContent = String(textarea.value.length); };
  textarea.addEventListener("input", update);
  // "reset" comes before the fields are emptied: count once they are.
  textarea.form?.addEventListener("reset", () => setTimeout(update));
  update();
}

function toggleContact(checkbox, fields) {
  if (!checkbox || !fields) return;
  const apply = () => {
    fields.hidden = checkbox.checked;
    // Disabled inputs are not sent: an anonymous submission carries no contact at all.
    for (const input of fields.querySelectorAll("input")) input.disabled = checkbox.checked;
  };
  checkbox.addEventListener("change", apply);
  apply();
}

// --- location -------------------------------------------------------------------------------------
// The map (map.js) places the pin; "use my location" and a photo's GPS move it. A photo's GPS is
// used only inside the province's box (the server checks the same, feedback/services.py).

function setUpLocation(form, t, onChange) {
  const latitude = form.querySelector("#id_latitude");
  const longitude = form.querySelector("#id_longitude");
  const status = form.querySelector("#location-status");
  const button = form.querySelector("#use-location");
  const clearButton = form.querySelector("#clear-location");
  const element = document.getElementById("location-map");
  const bounds = parseBounds(element && element.dataset.bounds);
  const write = (lat, lon) => {
    latitude.value = lat.toFixed(6);
    longitude.value = lon.toFixed(6);
    status.textContent = t("picked", { lat: lat.toFixed(5), lon: lon.toFixed(5) });
    clearButton.hidden = false;
    onChange();
  };
  const start = latitude.value && longitude.value ? [Number(latitude.value), Number(longitude.value)] : null;
  const picker = element ? locationPicker(element, { start, onPick: (lat, lon) => write(lat, lon) }) : null;
  if (picker) document.getElementById("map-help").hidden = false;
  const set = (lat, lon, source) => (picker ? picker.set(lat, lon, source) : write(lat, lon));
  clearButton.hidden = !start;
  clearButton.addEventListener("click", () => {
    latitude.value = longitude.value = "";
    if (picker) picker.clear();
    status.textContent = t("cleared");
    clearButton.hidden = true;
    onChange();
  });
  if (button && "geolocation" in navigator) {
    button.hidden = false;
    button.addEventListener("click", () => {
      status.textContent = t("locating");
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        (position) => {
          set(position.coords.latitude, position.coords.longitude, "gps");
          status.textContent = t("located", { m: Math.round(position.coords.accuracy) });
          button.disabled = false;
        },
        () => { status.textContent = t("location_failed"); button.disabled = false; },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
      );
    });
  }
  return {
    has: () => Boolean(latitude.value && longitude.value),
    fromPhoto: (lat, lon) => {
      const note = form.querySelector("#photo-location-note");
      if (bounds && !bounds.contains(lat, lon)) {
        note.hidden = false;
        return;
      }
      note.hidden = true;
      set(lat, lon, "photo");
      status.textContent = t("from_photo");
    },
    clear: () => clearButton.click(),
  };
}

// --- similar feedback nearby ---------------------------------------------------------------------

function setUpNearby(form, t) {
  const box = document.getElementById("nearby");
  const list = document.getElementById("nearby-list");
  const labelsElement = document.getElementById("state-labels");
  const labels = labelsElement ? JSON.parse(labelsElement.textContent) : {};
  let asked = "";
  let timer = null;
  const check = async () => {
    const lat = form.querySelector("#id_latitude").value;
    const lon = form.querySelector("#id_longitude").value;
    const category = form.querySelector("#id_category").value;
    if (!lat || !lon || !category) {
      box.hidden = true;
      asked = "";
      return;
    }
    const query = new URLSearchParams({ latitude: lat, longitude: lon, category });
    if (query.toString() === asked) return;
    asked = query.toString();
    try {
      const response = await fetch(`${box.dataset.url}?${query}`, { headers: { Accept: "application/json" } });
      if (!response.ok || query.toString() !== asked) return;
      show(await response.json());
    } catch {
      asked = ""; // offline: try again on the next change
    }
  };
  const show = (cases) => {
    list.replaceChildren(...cases.map((item) => nearbyItem(item, labels, t, box.dataset.publicUrl)));
    box.hidden = cases.length === 0;
  };
  return () => {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  };
}

function nearbyItem(item, labels, t, urlPattern) {
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.href = urlPattern.replace("CODE", encodeURIComponent(item.tracking_code));
  link.textContent = item.title;
  const badge = document.createElement("span");
  badge.className = `badge state-${item.status}`;
  badge.textContent = labels[item.status] || item.status;
  const meta = document.createElement("span");
  meta.className = "small muted";
  meta.textContent = `${item.tracking_code} · ${t("nearby_distance", { m: item.distance_m })}`;
  const follow = document.createElement("a");
  follow.className = "nearby-follow";
  follow.href = link.href;
  follow.textContent = t("nearby_follow");
  li.append(link, " ", badge, document.createElement("br"), meta, " · ", follow);
  return li;
}

// --- photos ---------------------------------------------------------------------------------------

function setUpPhotos(form, t, state, limit) {
  const input = form.querySelector("#id_photos");
  const gallery = document.getElementById("gallery-input");
  const galleryButton = form.querySelector("#pick-gallery");
  const list = form.querySelector("#photo-previews");
  const help = form.querySelector("#photos-help");
  const onPick = (event) => {
    const files = [...event.target.files];
    event.target.value = "";
    const room = limit - state.photos.length;
    if (files.length > room) help.textContent = t("too_many", { n: limit });
    state.processing = state.processing.then(() => addPhotos(form, t, state, files.slice(0, Math.max(room, 0)), list));
  };
  input.addEventListener("change", onPick);
  if (gallery && galleryButton) {
    // The camera input opens the camera straight away on many phones; this one opens the gallery.
    galleryButton.hidden = false;
    galleryButton.addEventListener("click", () => gallery.click());
    gallery.addEventListener("change", onPick);
  }
}

async function addPhotos(form, t, state, files, list) {
  for (const file of files) {
    if (!state.location.has()) {
      const gps = await gpsFromJpeg(file).catch(() => null);
      if (gps) state.location.fromPhoto(gps.lat, gps.lng);
    }
    const photo = { file: await shrink(file) };
    state.photos.push(photo);
    list.append(preview(photo, t, () => {
      state.photos = state.photos.filter((p) => p !== photo);
    }));
  }
}

function preview(photo, t, onRemove) {
  const item = document.createElement("li");
  const decodable = photo.file.type === "image/jpeg" || photo.file.type === "image/png" || photo.file.type === "image/webp";
  if (decodable) {
    const img = document.createElement("img");
    img.alt = photo.file.name;
    img.src = URL.createObjectURL(photo.file);
    img.onload = () => URL.revokeObjectURL(img.src);
    item.append(img);
  } else {
    const name = document.createElement("span");
    name.className = "photo-name";
    name.textContent = photo.file.name;
    item.append(name);
  }
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "photo-remove";
  remove.setAttribute("aria-label", `${t("remove")} ${photo.file.name}`);
  remove.textContent = "×";
  remove.addEventListener("click", () => { onRemove(); item.remove(); });
  item.append(remove);
  return item;
}

async function shrink(file) {
  // A small JPEG goes as it is (the server still reads its GPS); anything else is redrawn upright,
  // at most MAX_SIDE, as JPEG. A file the browser cannot decode (often HEIC) goes as it is: the
  // server converts it.
  if (file.type === "image/jpeg" && file.size <= KEEP_AS_IS_BYTES) return file;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return file;
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
  if (!blob || (blob.size >= file.size && file.type === "image/jpeg")) return file;
  const name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
  return new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified });
}

async function gpsFromJpeg(file) {
  if (file.type !== "image/jpeg") return null;
  const view = new DataView(await file.slice(0, 256 * 1024).arrayBuffer());
  if (view.getUint16(0) !== 0xffd8) return null;
  let offset = 2;
  while (offset + 10 < view.byteLength) {
    const marker = view.getUint16(offset);
    if ((marker & 0xff00) !== 0xff00) return null;
    if (marker === 0xffe1 && view.getUint32(offset + 4) === 0x45786966) return gpsFromTiff(view, offset + 10);
    offset += 2 + view.getUint16(offset + 2);
  }
  return null;
}

function gpsFromTiff(view, tiff) {
  const little = view.getUint16(tiff) === 0x4949;
  const u16 = (at) => view.getUint16(tiff + at, little);
  const u32 = (at) => view.getUint32(tiff + at, little);
  const entry = (ifd, tag) => {
    for (let i = 0, n = u16(ifd); i < n; i++) if (u16(ifd + 2 + i * 12) === tag) return ifd + 2 + i * 12;
    return null;
  };
  const pointer = entry(u32(4), 0x8825);
  if (pointer === null) return null;
  const gps = u32(pointer + 8);
  const coordinate = (tag, refTag, negative) => {
    const at = entry(gps, tag);
    if (at === null) return null;
    const values = u32(at + 8);
    let degrees = 0;
    for (let i = 0; i < 3; i++) degrees += u32(values + i * 8) / (u32(values + i * 8 + 4) || 1) / 60 ** i;
    const ref = entry(gps, refTag);
    return ref !== null && String.fromCharCode(view.getUint8(tiff + ref + 8)) === negative ? -degrees : degrees;
  };
  const lat = coordinate(2, 1, "S");
  const lng = coordinate(4, 3, "W");
  if (lat === null || lng === null || (lat === 0 && lng === 0) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
  return { lat, lng };
}

// --- sending --------------------------------------------------------------------------------------

function setUpSending(form, t, state, draft) {
  const button = form.querySelector("#send-button");
  const status = form.querySelector("#send-status");
  const progress = form.querySelector("#send-progress");
  const done = (message, { resend = false } = {}) => {
    state.sending = false;
    button.disabled = false;
    progress.hidden = true;
    status.textContent = message;
    if (resend) button.textContent = button.dataset.resendLabel;
  };
  state.draft = draft;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (state.sending) return;
    state.sending = true;
    button.disabled = true;
    status.textContent = t("preparing");
    await state.processing;
    if (form.querySelector("input[name=kind]:checked")?.value === "on_site" && state.photos.length === 0) {
      done("");
      showFieldError(form, "photos", t("photo_required"));
      return;
    }
    if (!navigator.onLine) {
      if (await queue(form, state)) {
        done(t("queued"));
        return;
      }
      done(`${t("offline")} ${t("network")}`, { resend: true });
      return;
    }
    upload(form, state, { t, status, progress, done });
  });
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    // Back from the confirmation: that content became a case, so what is sent next is a new one.
    if (state.sent) form.querySelector("input[name=idempotency_key]").value = freshKey();
    state.sent = false;
    done("");
  });
}

// --- without a network: the outbox ---------------------------------------------------------------
// The submission (fields, photos, its one Idempotency-Key) waits in IndexedDB (device-store.js)
// and goes when the network returns: Background Sync in the worker where the browser has it, and
// this page when it sees the network come back. The same key on every try makes it one case.

async function queue(form, state) {
  const device = window.PaknDevice;
  if (!device || !("indexedDB" in window)) return false;
  const entries = [];
  for (const [name, value] of new FormData(form)) {
    if (name !== "photos" && name !== "csrfmiddlewaretoken" && typeof value === "string") entries.push([name, value]);
  }
  for (const photo of state.photos) entries.push(["photos", photo.file, photo.file.name]);
  const id = form.querySelector("input[name=idempotency_key]").value;
  try {
    await device.queue({ id, action: form.action, entries, title: form.querySelector("#id_title").value,
                         created: Date.now() });
  } catch {
    return false;
  }
  // Background Sync where the browser has it (getRegistration, unlike ready, answers without a worker).
  const registration = await navigator.serviceWorker?.getRegistration().catch(() => null);
  if (registration && registration.sync) registration.sync.register(device.SYNC_TAG).catch(() => {});
  showOutbox(form);
  return true;
}

function setUpOutbox(form, t, state, draft) {
  const device = window.PaknDevice;
  if (!device) return;
  const flush = () => { if (navigator.onLine) device.flushOutbox().catch(() => {}); };
  window.addEventListener("online", flush);
  device.listen((message) => {
    if (message.type === "sent") sentFromQueue(form, t, state, draft, message);
    if (message.type === "refused") form.querySelector("#send-status").textContent = t("queued_refused");
    if (message.type === "queued" || message.type === "refused") showOutbox(form);
  });
  showOutbox(form);
  flush();
}

async function showOutbox(form) {
  const box = document.getElementById("outbox-notice");
  if (!box || !window.PaknDevice) return;
  const waiting = await window.PaknDevice.outbox().catch(() => []);
  const list = box.querySelector("ul");
  list.replaceChildren(...waiting.map((item) => {
    const li = document.createElement("li");
    li.textContent = item.title || item.id;
    return li;
  }));
  box.querySelector("[data-waiting]").hidden = waiting.length === 0;
  box.hidden = waiting.length === 0 && !box.querySelector("[data-sent] li");
}

function sentFromQueue(form, t, state, draft, message) {
  const box = document.getElementById("outbox-notice");
  const sent = box.querySelector("[data-sent]");
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.href = message.url;
  link.textContent = t("queued_sent", { code: message.code });
  li.append(link);
  sent.querySelector("ul").append(li);
  sent.hidden = false;
  const key = form.querySelector("input[name=idempotency_key]");
  if (message.id === key.value) {
    // This form's content is now a case: start afresh (and stop saying its draft was restored).
    draft.clear();
    const draftNotice = document.getElementById("draft-notice");
    if (draftNotice) draftNotice.hidden = true;
    form.reset();
    key.value = freshKey();
    state.photos = [];
    form.querySelector("#photo-previews").replaceChildren();
    state.location.clear();
    form.querySelector("#send-status").textContent = "";
  }
  showOutbox(form);
}

function upload(form, state, { t, status, progress, done }) {
  const data = new FormData(form);
  data.delete("photos");
  for (const photo of state.photos) data.append("photos", photo.file, photo.file.name);
  const request = new XMLHttpRequest();
  request.open("POST", form.action);
  request.setRequestHeader("Accept", "text/html");
  request.responseType = "document";
  request.timeout = 180000;
  progress.hidden = false;
  progress.value = 0;
  request.upload.addEventListener("progress", (event) => {
    if (!event.lengthComputable) return;
    const percent = Math.round((event.loaded / event.total) * 100);
    progress.value = percent;
    status.textContent = t("sending", { p: percent });
  });
  request.addEventListener("load", () => handleAnswer(form, request, state, { t, status, done }));
  request.addEventListener("error", () => done(t("network"), { resend: true }));
  request.addEventListener("timeout", () => done(t("network"), { resend: true }));
  request.send(data);
}

function handleAnswer(form, request, state, { t, status, done }) {
  const followed = request.responseURL && new URL(request.responseURL).pathname !== new URL(form.action).pathname;
  if (request.status === 200 && followed) {
    state.sent = true;
    state.draft.clear();
    status.textContent = t("done");
    window.location.assign(request.responseURL);
    return;
  }
  if (request.status === 413) {
    done(t("too_large"), { resend: true });
    return;
  }
  if (request.status >= 400 && request.status < 500 && request.response) {
    done("");
    showErrors(form, request.response, t);
    return;
  }
  done(t("server"), { resend: true });
}

function showErrors(form, page, t) {
  for (const list of form.querySelectorAll(".field > .errorlist")) list.remove();
  for (const field of form.querySelectorAll(".has-error")) field.classList.remove("has-error");
  for (const remote of page.querySelectorAll("#submit-form .field.has-error")) {
    const list = remote.querySelector(":scope > .errorlist");
    if (list) showFieldError(form, remote.id.replace(/^field-/, ""), null, document.importNode(list, true));
  }
  // The server may hand out a new key (this form's key already made a different case).
  const key = page.querySelector("#submit-form input[name=idempotency_key]");
  if (key) form.querySelector("input[name=idempotency_key]").value = key.value;
  const box = document.getElementById("form-errors");
  const summary = page.getElementById && page.getElementById("form-errors");
  box.innerHTML = summary && summary.innerHTML.trim() ? summary.innerHTML : `<div class="notice notice-bad"><p><strong></strong></p></div>`;
  if (!summary || !summary.innerHTML.trim()) box.querySelector("strong").textContent = t("invalid");
  box.focus();
  box.scrollIntoView({ block: "start" });
}

function freshKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function showFieldError(form, name, message, list = null) {
  const field = form.querySelector(`#field-${CSS.escape(name)}`);
  if (!field) return;
  field.querySelector(":scope > .errorlist")?.remove();
  if (!list) {
    list = document.createElement("ul");
    list.className = "errorlist";
    const item = document.createElement("li");
    item.textContent = message;
    list.append(item);
  }
  field.classList.add("has-error");
  field.append(list);
  field.scrollIntoView({ block: "center" });
}
