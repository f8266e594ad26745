// Shared helpers of the pages: the API client and the Vietnamese/English
// switch. No dependencies; loaded before each page's own script. The pages
// that follow the queue also load /display/static/board.js, the one
// runtime of the display websocket.
"use strict";

const motcua = (() => {
  // APIError carries the contract's {"error":{"code","message"}}; details
  // is the whole error object (some carry more, e.g. "state").
  class APIError extends Error {
    constructor(status, code, message, details) {
      super(message || code || ("HTTP " + status));
      this.status = status;
      this.code = code || "";
      this.details = details || {};
    }
  }

  let headers = {};

  // api calls the service and returns the decoded JSON (null for 204).
  async function api(method, path, body) {
    const opts = { method, headers: { ...headers }, credentials: "same-origin" };
    if (body instanceof FormData) {
      opts.body = body; // multipart: the browser writes its type and boundary
    } else if (body instanceof Blob) {
      opts.headers["Content-Type"] = body.type || "application/octet-stream";
      opts.body = body; // an image, as it is
    } else if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    let resp;
    try {
      resp = await fetch(path, opts);
    } catch (e) {
      throw new APIError(0, "network", "");
    }
    if (resp.status === 204) return null;
    let data = null;
    try { data = await resp.json(); } catch (e) { data = null; }
    if (!resp.ok) {
      const err = (data && data.error) || {};
      throw new APIError(resp.status, err.code, err.message, err);
    }
    return data;
  }

  // device tells which device this browser is ({kiosk, counter}, from
  // GET /api/v1/devices/me). A page opened with ?pair=TOKEN first drops the
  // token from its address and gives it to the service, which keeps it in
  // an HttpOnly cookie: the device's credential from then on. Throws the
  // APIError device_unpaired when the browser is no device.
  async function device() {
    const u = new URL(location.href);
    const token = u.searchParams.get("pair");
    if (token !== null) {
      u.searchParams.delete("pair");
      history.replaceState(history.state, "", u.pathname + u.search + u.hash);
      if (token) await api("POST", "/api/v1/devices/pair", { token });
    }
    return api("GET", "/api/v1/devices/me");
  }

  // setHeader adds a header to every later API call ("" removes it).
  function setHeader(name, value) {
    if (value) headers[name] = value; else delete headers[name];
  }

  // i18n: dict is {vi:{key:text}, en:{key:text}}; elements carry
  // data-t="key" (text), data-t-aria="key" (aria-label) or
  // data-t-ph="key" (placeholder). Texts may hold {name} slots.
  function i18n(dict, onChange) {
    let lang = "vi";
    const t = (key, vars) => {
      let s = (dict[lang] && dict[lang][key]) ?? dict.vi[key] ?? key;
      if (vars) for (const [k, v] of Object.entries(vars)) s = s.split("{" + k + "}").join(String(v));
      return s;
    };
    const apply = (root = document) => {
      document.documentElement.lang = lang;
      root.querySelectorAll("[data-t]").forEach(el => { el.textContent = t(el.dataset.t); });
      root.querySelectorAll("[data-t-aria]").forEach(el => { el.setAttribute("aria-label", t(el.dataset.tAria)); });
      root.querySelectorAll("[data-t-ph]").forEach(el => { el.setAttribute("placeholder", t(el.dataset.tPh)); });
    };
    const set = (l) => { lang = l; apply(); if (onChange) onChange(lang); };
    return { t, apply, set, get lang() { return lang; } };
  }

  // el builds an element: el("div", {class: "x", onclick: fn}, child…).
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  // pad2 and clock format a duration of seconds as m:ss or h:mm:ss.
  const pad2 = n => String(n).padStart(2, "0");
  function clock(secs) {
    secs = Math.max(0, Math.floor(secs));
    const h = Math.floor(secs / 3600), m = Math.floor(secs / 60) % 60, s = secs % 60;
    return h ? `${h}:${pad2(m)}:${pad2(s)}` : `${pad2(m)}:${pad2(s)}`;
  }

  // localTime formats a time in the center's zone (the kiosk's own clock
  // zone may be UTC): "HH:mm", and with date "HH:mm, dd/MM/yyyy".
  function localTime(date, zone, withDate) {
    const o = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    if (withDate) Object.assign(o, { day: "2-digit", month: "2-digit", year: "numeric" });
    try { if (zone) o.timeZone = zone; } catch (e) { /* unknown zone: the machine's */ }
    const parts = {};
    for (const p of new Intl.DateTimeFormat("en-GB", o).formatToParts(date)) parts[p.type] = p.value;
    const hm = `${parts.hour}:${parts.minute}`;
    return withDate ? `${hm}, ${parts.day}/${parts.month}/${parts.year}` : hm;
  }

  return { api, APIError, device, setHeader, i18n, el, clock, pad2, localTime };
})();
