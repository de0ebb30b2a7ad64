// Styk's browser beacon: tells the touchpoint journal what only the browser sees.
//
// - page views after client-side navigation (the server sees no request for them);
// - rage clicks: 3 or more clicks within 1 s and 30 px, not on text inputs or steppers
//   (PostHog's definition);
// - dead clicks: a click followed by no DOM change, scroll or navigation within 2.5 s;
// - client errors (script errors, unhandled promise rejections, resources that failed to load);
// - abandoned forms: fields touched, no submit, page left;
// - web vitals of the page load: LCP, INP, CLS.
//
// It sends names from our own markup (a tag, an id, a field's name), never text the customer can
// see or type. Plain JavaScript on purpose: it must run when the WebAssembly bundle fails.
(function () {
  "use strict";
  if (window.__stykBeacon) return;
  var ENDPOINT = "/api/beacon";
  var MAX_EVENTS = 20;
  var queue = [];
  var path = location.pathname;
  var landingPath = path;

  function send(events, leaving) {
    try {
      fetch(ENDPOINT, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ events: events }),
        credentials: "same-origin",
        keepalive: !!leaving,
      }).catch(function () {});
    } catch (e) {
      /* the journal must never break the page */
    }
  }

  // One request per page: the server refuses a whole beacon that names a page it does not know
  // (a 404, say), and that must not take other pages' events with it.
  function flush(leaving) {
    var byPath = {};
    queue.splice(0, queue.length).forEach(function (event) {
      (byPath[event.path] = byPath[event.path] || []).push(event);
    });
    Object.keys(byPath).forEach(function (p) {
      var events = byPath[p];
      while (events.length) send(events.splice(0, MAX_EVENTS), leaving);
    });
  }

  function push(event) {
    event.path = event.path || path;
    queue.push(event);
    if (queue.length >= MAX_EVENTS) flush(false);
  }

  // A description of an element from our markup: tag, id, name or first class. Lower case, and
  // only the characters the server accepts.
  function describe(el) {
    if (!el || !el.tagName) return "unknown";
    var text = el.tagName.toLowerCase();
    if (el.id) text += "#" + el.id;
    else if (el.getAttribute && el.getAttribute("name")) text += "[name=" + el.getAttribute("name") + "]";
    else if (el.classList && el.classList.length) text += "." + el.classList[0];
    text = text.toLowerCase().replace(/[^a-z0-9_#.\-\[\]=:]/g, "");
    return text.slice(0, 80) || "unknown";
  }

  function isTextInputOrStepper(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select" || el.isContentEditable) return true;
    if (tag !== "input") return false;
    var type = (el.getAttribute("type") || "text").toLowerCase();
    return ["button", "submit", "reset", "checkbox", "radio", "image", "file"].indexOf(type) < 0;
  }

  // --- Clicks ---------------------------------------------------------------------------------
  var burst = null;
  var lastMutation = 0;
  var lastScroll = 0;
  var lastNavigation = 0;
  var lastClick = 0;

  new MutationObserver(function () {
    lastMutation = performance.now();
  }).observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
  addEventListener("scroll", function () { lastScroll = performance.now(); }, { passive: true, capture: true });

  function endBurst() {
    if (burst && burst.clicks >= 3) {
      push({ type: "rage_click", element: burst.element, clicks: burst.clicks, path: burst.path });
    }
    burst = null;
  }

  document.addEventListener(
    "click",
    function (event) {
      var target = event.target;
      var now = performance.now();
      lastClick = now;
      if (isTextInputOrStepper(target)) return;
      var x = event.clientX, y = event.clientY;
      if (burst && now - burst.first <= 1000 && Math.abs(x - burst.x) <= 30 && Math.abs(y - burst.y) <= 30) {
        burst.clicks += 1;
      } else {
        endBurst();
        burst = { first: now, x: x, y: y, clicks: 1, element: describe(target), path: path };
      }
      clearTimeout(burst.timer);
      burst.timer = setTimeout(endBurst, 1000);

      var tag = target && target.tagName ? target.tagName.toLowerCase() : "";
      if (tag === "label" || tag === "option") return;
      var clickPath = path, element = describe(target);
      setTimeout(function () {
        var quiet = lastMutation < now && lastScroll < now && lastNavigation < now && location.pathname === clickPath;
        if (quiet && document.visibilityState === "visible") push({ type: "dead_click", element: element, path: clickPath });
      }, 2500);
    },
    true
  );

  // --- Errors ---------------------------------------------------------------------------------
  addEventListener(
    "error",
    function (event) {
      var resource = event.target && event.target !== window && event.target.tagName;
      push({ type: "client_error", kind: resource ? "resource" : "error" });
    },
    true
  );
  addEventListener("unhandledrejection", function () { push({ type: "client_error", kind: "rejection" }); });

  // --- Forms ----------------------------------------------------------------------------------
  var forms = {}; // form name -> { fields: {name: true}, submitted: bool, path }
  var NAME = /^[a-z0-9_\-]{1,40}$/;

  function formName(form) {
    var which = form.querySelector('input[type="hidden"][name="form"]');
    var name = (which && which.value) || form.getAttribute("data-form") || form.id || "form";
    return name.toLowerCase();
  }

  function touched(event) {
    var field = event.target;
    var form = field && field.form;
    if (!form || !field.name || field.type === "hidden" || !NAME.test(field.name)) return;
    var name = formName(form);
    if (!NAME.test(name)) return;
    var entry = forms[name] || (forms[name] = { fields: {}, submitted: false, path: path });
    entry.fields[field.name] = true;
  }
  document.addEventListener("input", touched, true);
  document.addEventListener("change", touched, true);
  document.addEventListener(
    "submit",
    function (event) {
      var entry = forms[formName(event.target)];
      if (entry) entry.submitted = true;
    },
    true
  );

  function reportAbandonedForms() {
    Object.keys(forms).forEach(function (name) {
      var entry = forms[name];
      var fields = Object.keys(entry.fields);
      if (!entry.submitted && fields.length) {
        push({ type: "form_abandoned", form: name, fields: fields.slice(0, 30), path: entry.path });
      }
    });
    forms = {};
  }

  // --- Web vitals of the page load ------------------------------------------------------------
  var lcp = null, cls = 0, clsWindow = 0, clsWindowStart = 0, clsLast = 0, interactions = {};
  function observe(type, options, handle) {
    try {
      new PerformanceObserver(function (list) { list.getEntries().forEach(handle); }).observe(
        Object.assign({ type: type, buffered: true }, options || {})
      );
    } catch (e) {
      /* not supported by this browser */
    }
  }
  observe("largest-contentful-paint", null, function (entry) { lcp = entry.startTime; });
  observe("layout-shift", null, function (entry) {
    if (entry.hadRecentInput) return;
    // Session windows: shifts less than 1 s apart, at most 5 s long; CLS is the worst window.
    if (clsWindow && entry.startTime - clsLast < 1000 && entry.startTime - clsWindowStart < 5000) {
      clsWindow += entry.value;
    } else {
      clsWindow = entry.value;
      clsWindowStart = entry.startTime;
    }
    clsLast = entry.startTime;
    cls = Math.max(cls, clsWindow);
  });
  observe("event", { durationThreshold: 40 }, function (entry) {
    if (!entry.interactionId) return;
    interactions[entry.interactionId] = Math.max(interactions[entry.interactionId] || 0, entry.duration);
  });

  function inp() {
    var durations = Object.keys(interactions).map(function (k) { return interactions[k]; });
    if (!durations.length) return null;
    durations.sort(function (a, b) { return b - a; });
    // The worst interaction, ignoring one in every 50 as the INP definition does.
    return Math.round(durations[Math.min(durations.length - 1, Math.floor(durations.length / 50))]);
  }

  var vitalsSent = false;
  function reportVitals() {
    if (vitalsSent) return;
    vitalsSent = true;
    var event = { type: "vitals", path: landingPath, lcp_ms: lcp === null ? null : Math.round(lcp), inp_ms: inp(), cls: Math.round(cls * 1000) / 1000 };
    if (event.lcp_ms !== null || event.inp_ms !== null || event.cls > 0) push(event);
  }

  // --- Navigation -----------------------------------------------------------------------------
  var navigationStarted = null;
  document.addEventListener("click", function () { navigationStarted = performance.now(); }, true);
  addEventListener("popstate", function () { navigationStarted = performance.now(); changed(); });

  function changed() {
    if (location.pathname === path) return;
    lastNavigation = performance.now();
    endBurst();
    reportAbandonedForms();
    path = location.pathname;
    var since = navigationStarted === null ? performance.now() : navigationStarted;
    requestAnimationFrame(function () {
      push({ type: "view", path: path, ms: Math.max(0, Math.round(performance.now() - since)) });
      flush(false);
    });
  }
  ["pushState", "replaceState"].forEach(function (method) {
    var original = history[method];
    history[method] = function () {
      var result = original.apply(this, arguments);
      changed();
      return result;
    };
  });

  function leave() {
    endBurst();
    reportAbandonedForms();
    reportVitals();
    flush(true);
  }
  addEventListener("pagehide", leave);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush(true);
  });
  setInterval(function () { flush(false); }, 5000);

  // Browser tests (and anyone debugging) can send what is queued at once.
  window.__stykBeacon = { flush: function () { endBurst(); flush(false); }, leave: leave };
})();
