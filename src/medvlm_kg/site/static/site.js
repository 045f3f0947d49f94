/* medvlm-kg site: progressive enhancement only. Every page is complete without this file; with it, the
   catalog table can be filtered and sorted and citations copied. It never writes HTML: it shows, hides and
   reorders elements the page already has, and sets text with textContent. A catalog split into pages loads
   catalog-index.js (every dataset in a few fields) and lists the matches of the whole catalog as links it
   builds with createElement and textContent; dataset ids are [a-z0-9-] (the catalog's own check). */
(function () {
  "use strict";

  function filterKeys(form) {
    return Array.prototype.map.call(form.querySelectorAll("select"), function (select) {
      return select.name;
    });
  }

  function readState(form) {
    var raw = (window.location.hash || "").replace(/^#/, "") || (window.location.search || "").replace(/^\?/, "");
    var params = new URLSearchParams(raw);
    if (params.has("q")) form.elements.q.value = params.get("q");
    filterKeys(form).forEach(function (name) {
      var value = params.get(name);
      var select = form.elements[name];
      if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        select.value = value;
      }
    });
  }

  function writeState(form) {
    var params = new URLSearchParams();
    var q = form.elements.q.value.trim();
    if (q) params.set("q", q);
    filterKeys(form).forEach(function (name) {
      if (form.elements[name].value) params.set(name, form.elements[name].value);
    });
    var hash = params.toString();
    try {
      var url = window.location.pathname + window.location.search + (hash ? "#" + hash : "");
      window.history.replaceState(null, "", url);
    } catch (e) {
      /* file:// pages may refuse; the filters still work. */
    }
  }

  var MAX_RESULTS = 200;

  function loadIndex(form, done) {
    var src = form.getAttribute("data-index-script");
    if (!src) return done(null);
    if (window.MEDVLM_KG_INDEX) return done(window.MEDVLM_KG_INDEX);
    var script = document.createElement("script");
    script.src = src;
    script.onload = function () { done(window.MEDVLM_KG_INDEX || null); };
    script.onerror = function () { done(null); };
    document.head.appendChild(script);
  }

  /* The whole catalog's matches, for a catalog split into pages: a list of links, at most MAX_RESULTS. */
  function indexFilter(form, index, results, lang) {
    var base = form.getAttribute("data-dataset-base") || "dataset/";
    var more = results.getAttribute("data-more") || "";
    return function (q, wanted) {
      var shown = 0, total = 0;
      while (results.firstChild) results.removeChild(results.firstChild);
      index.datasets.forEach(function (d) {
        var ok = !q || d.search.indexOf(q) !== -1;
        Object.keys(wanted).forEach(function (name) {
          if (!ok || !wanted[name]) return;
          ok = name === "year" ? d.year === wanted[name] : (d[name] || []).indexOf(wanted[name]) !== -1;
        });
        if (!ok) return;
        total += 1;
        if (shown >= MAX_RESULTS) return;
        shown += 1;
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = base + d.id + ".html";
        link.textContent = d.name;
        item.appendChild(link);
        var cells = (d.cells[lang] || []).filter(function (c) { return c; });
        if (cells.length) {
          var note = document.createElement("span");
          note.className = "muted";
          note.textContent = " · " + cells.join(" · ");
          item.appendChild(note);
        }
        results.appendChild(item);
      });
      if (total > shown) {
        var last = document.createElement("li");
        last.className = "muted";
        last.textContent = more.replace("{shown}", String(shown));
        results.appendChild(last);
      }
      return total;
    };
  }

  function setupTable() {
    var form = document.querySelector("[data-filters]");
    var table = document.querySelector("[data-table]");
    if (!form || !table) return;
    loadIndex(form, function (index) {
      startTable(form, table, index);
    });
  }

  function startTable(form, table, index) {
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var count = form.querySelector("[data-count]");
    var empty = document.querySelector("[data-empty]");
    var template = count.getAttribute("data-template");

    var results = document.querySelector("[data-results]");
    var pager = document.querySelector("[data-pager]");
    var lang = document.documentElement.getAttribute("lang") === "en" ? "en" : "zh";
    var wholeCatalog = index && results ? indexFilter(form, index, results, lang) : null;
    var catalogTotal = index ? index.datasets.length : rows.length;

    function apply() {
      var q = form.elements.q.value.trim().toLowerCase();
      var wanted = {};
      filterKeys(form).forEach(function (name) {
        wanted[name] = form.elements[name].value;
      });
      if (wholeCatalog) {
        var active = q || Object.keys(wanted).some(function (name) { return wanted[name]; });
        table.parentNode.hidden = !!active;
        if (pager) pager.hidden = !!active;
        results.hidden = !active;
        var found = active ? wholeCatalog(q, wanted) : rows.length;
        count.textContent = template.replace("{shown}", found.toLocaleString()).replace("{total}", catalogTotal.toLocaleString());
        if (empty) empty.hidden = found !== 0;
        writeState(form);
        return;
      }
      var shown = 0;
      rows.forEach(function (row) {
        var ok = !q || row.getAttribute("data-search").indexOf(q) !== -1;
        Object.keys(wanted).forEach(function (name) {
          if (!ok || !wanted[name]) return;
          var tags = (row.getAttribute("data-" + name) || "").split(" ");
          ok = tags.indexOf(wanted[name]) !== -1;
        });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = template.replace("{shown}", String(shown)).replace("{total}", String(rows.length));
      if (empty) empty.hidden = shown !== 0;
      writeState(form);
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    form.addEventListener("reset", function () {
      window.setTimeout(apply, 0);
    });

    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th) {
      var key = th.getAttribute("data-sort");
      if (!key) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.setAttribute("aria-label", th.getAttribute("data-sort-label") || th.textContent);
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) {
          other.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = th.getAttribute("data-sort-type") === "number";
        var attribute = row0Has(rows, "data-sort-" + key) ? "data-sort-" + key : "data-" + key;
        var sorted = rows.slice().sort(function (a, b) {
          var x = a.getAttribute(attribute) || "";
          var y = b.getAttribute(attribute) || "";
          if (!x !== !y) return x ? -1 : 1; /* a row without the value (no date, no size) last, either way */
          var result = numeric ? Number(x) - Number(y) : x.localeCompare(y);
          if (result === 0) result = a.getAttribute("data-name").localeCompare(b.getAttribute("data-name"));
          return ascending ? result : -result;
        });
        sorted.forEach(function (row) {
          tbody.appendChild(row);
        });
      });
    });

    form.hidden = false;
    readState(form);
    apply();
  }

  function row0Has(rows, attribute) {
    return rows.length > 0 && rows[0].hasAttribute(attribute);
  }

  function setupCopy() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (block) {
      if (!navigator.clipboard) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button copy";
      button.textContent = block.getAttribute("data-copy-label");
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(block.textContent.trim()).then(function () {
          button.textContent = block.getAttribute("data-copied-label");
        });
      });
      block.insertAdjacentElement("afterend", button);
    });
  }

  /* A table wider than its box scrolls inside it: say so above it while it does (the shadows at its edges
     show it without JavaScript too). */
  function setupScrollHints() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-scroll-hint]"));
    function update() {
      boxes.forEach(function (box) {
        var hint = document.getElementById(box.getAttribute("data-scroll-hint"));
        var scrolls = box.scrollWidth > box.clientWidth + 1;
        if (hint) hint.classList.toggle("shown", scrolls);
        box.classList.toggle("scrolls", scrolls);
      });
    }
    if (!boxes.length) return;
    update();
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(update);
      boxes.forEach(function (box) {
        observer.observe(box);
        if (box.firstElementChild) observer.observe(box.firstElementChild);
      });
    } else {
      window.addEventListener("resize", update);
    }
  }

  function init() {
    document.documentElement.classList.add("js");
    setupTable();
    setupCopy();
    setupScrollHints();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
