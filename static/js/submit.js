// The submission form, made kinder to a phone on a slow network. Without this file the form still
// posts as plain HTML; with it: smaller photos, location, live counts, and a resend that reuses the
// form's one idempotency key so a retry never makes a second case.
const MAX_SIDE = 2048;
const QUALITY = 0.85;
const KEEP_AS_IS_BYTES = 1_500_000;

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

  filterCategoriesByKind(form);
  countCharacters($("#id_description"), document.getElementById("description-count"));
  toggleContact($("#id_anonymous"), $("#contact-fields"));
  setUpLocation(form, t);
  setUpPhotos(form, t, state, limit);
  setUpSending(form, t, state);
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

function setUpLocation(form, t) {
  const button = form.querySelector("#use-location");
  const status = form.querySelector("#location-status");
  if (!button || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    status.textContent = t("locating");
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocation(form, position.coords.latitude, position.coords.longitude);
        status.textContent = t("located", { m: Math.round(position.coords.accuracy) });
        button.disabled = false;
      },
      () => { status.textContent = t("location_failed"); button.disabled = false; },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });
}

function setLocation(form, latitude, longitude) {
  form.querySelector("#id_latitude").value = latitude.toFixed(6);
  form.querySelector("#id_longitude").value = longitude.toFixed(6);
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
    const latitude = form.querySelector("#id_latitude");
    if (!latitude.value) {
      const gps = await gpsFromJpeg(file).catch(() => null);
      if (gps) {
        setLocation(form, gps.lat, gps.lng);
        form.querySelector("#location-status").textContent = t("from_photo");
      }
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

function setUpSending(form, t, state) {
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
