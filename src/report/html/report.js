// dedup report: sorting, filtering, one view at a time, passage navigation,
// sentence-to-sentence links inside passages, and detail views drawn from the embedded data for findings past the
// written ones. Everything works offline; nothing is fetched.
(function () {
  "use strict";
  var COLOURS = 8;
  // Parsed on first use: a big run embeds megabytes the overview never needs.
  var parsed = null;
  function data() {
    if (!parsed) parsed = JSON.parse(document.getElementById("dedup-data").textContent);
    return parsed;
  }
  var total = +document.getElementById("dedup-data").getAttribute("data-total");
  var body = document.body, root = document.documentElement;
  var current = null; // the finding section on screen
  var passage = -1; // the active passage pair in it

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fix2(x) { return Number(x).toFixed(2); }
  function pct(x) { return Math.round(x * 100) + "%"; }

  // ---- findings table: sort and filter ----
  var table = document.getElementById("findings");
  var rows = table ? Array.prototype.slice.call(table.tBodies[0].rows) : [];
  function cellKey(row, col) {
    var t = row.cells[col].textContent;
    var n = parseFloat(t);
    return isNaN(n) ? t.toLowerCase() : n;
  }
  function sortBy(col, th) {
    // First click: numbers high to low, names A to Z; then toggle.
    var was = th.getAttribute("aria-sort");
    var dir = was ? (was === "ascending" ? "descending" : "ascending")
      : (th.classList.contains("num") && col > 0 ? "descending" : "ascending");
    var ths = table.tHead.rows[0].cells;
    for (var k = 0; k < ths.length; k++) ths[k].removeAttribute("aria-sort");
    th.setAttribute("aria-sort", dir);
    var sign = dir === "ascending" ? 1 : -1;
    var keyed = rows.map(function (r, i) { return [cellKey(r, col), i, r]; });
    keyed.sort(function (x, y) {
      if (x[0] < y[0]) return -sign;
      if (x[0] > y[0]) return sign;
      return x[1] - y[1];
    });
    var frag = document.createDocumentFragment();
    keyed.forEach(function (k) { frag.appendChild(k[2]); });
    table.tBodies[0].appendChild(frag);
    rows = keyed.map(function (k) { return k[2]; });
    applyFilter();
  }
  // Rows on screen at most (more on request): laying out 10,000 rows
  // would take seconds. The stylesheet applies the same cut before this
  // script runs.
  var PAGE = 300, limit = PAGE;
  var more = document.getElementById("more");
  function applyFilter() {
    var q = document.getElementById("filter").value.trim().toLowerCase();
    var v = document.getElementById("verdict-filter").value;
    var src = document.getElementById("source-filter").checked;
    var matching = 0;
    rows.forEach(function (r) {
      var ok = (!v || r.getAttribute("data-v") === v) && (!src || r.hasAttribute("data-src")) &&
        (!q || (r.cells[1].textContent + "\n" + r.cells[2].textContent).toLowerCase().indexOf(q) >= 0);
      r.hidden = !ok || matching >= limit;
      if (ok) matching++;
    });
    var shown = Math.min(matching, limit);
    document.getElementById("shown").textContent = matching > limit
      ? shown + " of " + matching + " matching shown (" + rows.length + " in all)"
      : shown + " of " + rows.length + " shown";
    more.hidden = matching <= limit;
  }
  if (table) {
    var controls = document.querySelector(".controls");
    controls.hidden = false;
    var ths = table.tHead.rows[0].cells;
    for (var c = 0; c < ths.length; c++) {
      (function (col, th) {
        th.title = "Sort";
        th.addEventListener("click", function () { sortBy(col, th); });
      })(c, ths[c]);
    }
    ["filter", "verdict-filter", "source-filter"].forEach(function (id) {
      document.getElementById(id).addEventListener("input", function () { limit = PAGE; applyFilter(); });
    });
    more.addEventListener("click", function () { limit += 10 * PAGE; applyFilter(); });
    applyFilter();
    table.classList.add("paged");
  }

  // ---- detail views drawn from data ----
  function locbar(parts, len) {
    var h = '<div class="locbar" title="Where in the document the reused text lies">';
    if (len > 0) {
      parts.forEach(function (s) {
        var left = Math.min(s.start * 100 / len, 99.4);
        var width = Math.max((s.end - s.start) * 100 / len, 0.6);
        h += '<span class="c' + (s.pair % COLOURS) + '" data-p="' + s.pair + '" style="left:' +
          left.toFixed(2) + "%;width:" + width.toFixed(2) + '%"></span>';
      });
    }
    return h + "</div>";
  }
  function gap(n) { return '<span class="gap">[… ' + n + " bytes not shown …]</span>"; }
  // Same output as render_doc in page.rs. Offsets are UTF-8 bytes; the
  // pieces are JS strings, so each piece is cut by byte offsets.
  var enc = new TextEncoder(), dec = new TextDecoder();
  function sentenceOpen(part, ids) {
    var h = '<span class="s" tabindex="0" data-s="', t = "";
    ids.forEach(function (j, k) {
      h += (k ? " " : "") + part.pair + "-" + j;
      t += (k ? "; " : "") + "sentence pair " + (j + 1) + ": " + Math.round(part.sents[j][2] * 100) + "% similar";
    });
    return h + '" title="' + t + '">';
  }
  function renderDoc(doc, parts) {
    var h = "", pos = 0;
    doc.segs.forEach(function (seg) {
      var start = seg[0], bytes = enc.encode(seg[1]), end = start + bytes.length;
      if (start > pos) h += gap(start - pos);
      var cuts = [start, end];
      function cut(c) {
        if (c > start && c < end && (bytes[c - start] & 0xc0) !== 0x80) cuts.push(c);
      }
      parts.forEach(function (s) {
        cut(s.start);
        cut(s.end);
        s.sents.forEach(function (r) { cut(r[0]); cut(r[1]); });
      });
      cuts.sort(function (x, y) { return x - y; });
      var open = null, openS = "";
      for (var k = 0; k + 1 < cuts.length; k++) {
        var a = cuts[k], b = cuts[k + 1];
        if (a === b) continue;
        var here = null;
        for (var m = 0; m < parts.length; m++) {
          if (parts[m].start <= a && b <= parts[m].end) { here = parts[m]; break; }
        }
        var ids = [];
        if (here) {
          here.sents.forEach(function (r, j) { if (r[0] <= a && b <= r[1]) ids.push(j); });
        }
        var hp = here ? here.pair : null, hs = ids.join(" ");
        if (hp !== open || hs !== openS) {
          if (openS) h += "</span>";
          if (hp !== open) {
            if (open !== null) h += "</mark>";
            if (here) h += '<mark class="ps c' + (here.pair % COLOURS) + " " + here.kind + '" data-p="' + here.pair + '">';
            open = hp;
          }
          if (hs) h += sentenceOpen(here, ids);
          openS = hs;
        }
        h += esc(dec.decode(bytes.subarray(a - start, b - start)));
      }
      if (openS) h += "</span>";
      if (open !== null) h += "</mark>";
      pos = end;
    });
    if (doc.len > pos) h += gap(doc.len - pos);
    return h;
  }
  function renderFinding(n) {
    var d = data(), f = d.findings[n - 1 - d.first];
    if (!f) return null;
    var h = '<nav class="fnav"><a href="#overview">← all findings</a>';
    if (n > 1) h += ' <a href="#finding-' + (n - 1) + '">‹ previous</a>';
    if (n < total) h += ' <a href="#finding-' + (n + 1) + '">next ›</a>';
    h += "</nav>";
    h += "<h2>#" + n + ' <span class="verdict v-' + f.verdict + '">' + f.verdict + '</span> <span class="pair">' +
      esc(f.a) + " ↔ " + esc(f.b) + "</span></h2>";
    h += '<p class="metrics">score <b>' + fix2(f.score) + "</b> · jaccard " + fix2(f.jaccard) + " · containment " +
      fix2(f.cab) + " / " + fix2(f.cba) + " · coverage " + pct(f.cova) + " / " + pct(f.covb) + " · " +
      f.passages.length + " passage" + (f.passages.length === 1 ? "" : "s") + "</p>";
    h += '<div class="prov">';
    if (f.source !== null) {
      var derived = f.source === f.a ? f.b : f.a;
      h += '<p>Source: <b class="src">' + esc(f.source) + "</b> (confidence " + fix2(f.confidence) + "); " +
        esc(derived) + " is derived from it.</p>";
    } else {
      h += '<p>Source: <b class="src undetermined">undetermined</b>: the evidence does not agree enough to name one.</p>';
    }
    if (!f.evidence.length) {
      h += '<p class="empty">No evidence recorded.</p>';
    } else {
      h += '<table class="evidence"><thead><tr><th>Evidence</th><th>Detail</th><th>Favours</th><th class="num">Weight</th></tr></thead><tbody>';
      f.evidence.forEach(function (e) {
        h += "<tr><td>" + esc(e[0]) + "</td><td>" + esc(e[1]) + "</td><td>" +
          (e[2] === null ? "<i>neither</i>" : esc(e[2])) + '</td><td class="num">' + fix2(e[3]) + "</td></tr>";
      });
      h += "</tbody></table>";
    }
    h += "</div>";
    h += '<p class="legend"><span class="ps c0 verbatim">verbatim</span> <span class="ps c0 reworded">reworded</span> Each passage pair has its own colour; click a passage to bring its match into view. Hover over or click an aligned sentence (or focus it with Tab) to see the sentence it matches.</p>';
    h += '<div class="sides">';
    [["a", f.a], ["b", f.b]].forEach(function (sd) {
      var side = sd[0], id = sd[1], doc = d.docs[id];
      var parts = f.passages.map(function (p, k) {
        var sents = (p[6] || []).map(function (q) {
          return side === "a" ? [q[0], q[1], q[4]] : [q[2], q[3], q[4]];
        });
        return side === "a" ? { start: p[0], end: p[1], pair: k, kind: p[4], sents: sents }
          : { start: p[2], end: p[3], pair: k, kind: p[4], sents: sents };
      });
      h += '<div class="side"><h3><span class="label">' + side.toUpperCase() + "</span> " + esc(id);
      if (f.source === id) h += ' <span class="tag">source</span>';
      h += "</h3>";
      if (doc && doc.path !== null) h += '<p class="path">' + esc(doc.path) + "</p>";
      h += locbar(parts, doc ? doc.len : 0);
      if (doc && doc.note !== null) h += '<p class="note">' + esc(doc.note) + "</p>";
      h += '<div class="doc" data-side="' + side + '">' + (doc ? renderDoc(doc, parts) : "") + "</div></div>";
    });
    h += "</div>";
    var sec = document.createElement("section");
    sec.className = "finding";
    sec.id = "finding-" + n;
    sec.setAttribute("data-n", n);
    sec.innerHTML = h;
    document.getElementById("lazy").appendChild(sec);
    return sec;
  }

  // ---- views and passages ----
  function marks(side, p) {
    return current ? current.querySelectorAll('.doc[data-side="' + side + '"] mark[data-p="' + p + '"]') : [];
  }
  function scrollInto(mark) {
    var doc = mark.closest(".doc");
    doc.scrollTop = Math.max(0, mark.offsetTop - doc.clientHeight / 3);
  }
  function activate(p, from) {
    if (!current) return;
    var old = current.querySelectorAll("mark.active");
    for (var k = 0; k < old.length; k++) old[k].classList.remove("active");
    light(null, "linked");
    passage = p;
    ["a", "b"].forEach(function (side) {
      var ms = marks(side, p);
      for (var k = 0; k < ms.length; k++) ms[k].classList.add("active");
      if (ms.length && side !== from) scrollInto(ms[0]);
    });
  }
  // ---- sentence pairs: hovering or focusing a sentence lights it and its
  // match on the other side ("hl"); clicking it (or Enter) keeps them lit
  // ("linked"), scrolls the match into view and makes its passage the
  // current one.
  function sentences(side, id) {
    return current.querySelectorAll('.doc[data-side="' + side + '"] span[data-s~="' + id + '"]');
  }
  function light(span, cls) {
    if (!current) return;
    var old = current.querySelectorAll("span.s." + cls);
    for (var k = 0; k < old.length; k++) old[k].classList.remove(cls);
    if (!span) return;
    span.getAttribute("data-s").split(" ").forEach(function (id) {
      ["a", "b"].forEach(function (side) {
        var ss = sentences(side, id);
        for (var k = 0; k < ss.length; k++) ss[k].classList.add(cls);
      });
    });
  }
  function link(span) {
    var side = span.closest(".doc").getAttribute("data-side"), other = side === "a" ? "b" : "a";
    // Its passage becomes the current one (j/k go on from it), lit by the
    // sentences alone.
    activate(+span.closest("mark[data-p]").getAttribute("data-p"), side);
    var old = current.querySelectorAll("mark.active");
    for (var k = 0; k < old.length; k++) old[k].classList.remove("active");
    light(span, "linked");
    var match = sentences(other, span.getAttribute("data-s").split(" ")[0]);
    if (match.length) scrollInto(match[0]);
  }
  function sentenceAt(target) {
    var span = target && target.closest && target.closest("main span.s[data-s]");
    return span && current && current.contains(span) ? span : null;
  }
  var hovered = null;
  document.addEventListener("mouseover", function (ev) {
    var span = sentenceAt(ev.target);
    if (span !== hovered) light(hovered = span, "hl");
  });
  document.addEventListener("focusin", function (ev) {
    var span = sentenceAt(ev.target);
    if (span || hovered) light(hovered = span, "hl");
  });
  function passageCount() {
    if (!current) return 0;
    var ms = current.querySelectorAll("mark[data-p]"), max = -1;
    for (var k = 0; k < ms.length; k++) max = Math.max(max, +ms[k].getAttribute("data-p"));
    return max + 1;
  }
  function show() {
    var m = /^#finding-(\d+)$/.exec(location.hash);
    if (current) current.classList.remove("current");
    current = null;
    passage = -1;
    if (m) {
      var n = +m[1];
      current = document.getElementById("finding-" + n) || (n >= 1 && n <= total ? renderFinding(n) : null);
    }
    if (current) {
      current.classList.add("current");
      root.classList.add("detail");
      window.scrollTo(0, 0);
      // Each side starts at its first passage.
      ["a", "b"].forEach(function (side) {
        var first = current.querySelector('.doc[data-side="' + side + '"] mark[data-p]');
        if (first) scrollInto(first);
      });
    } else {
      root.classList.remove("detail");
      if (location.hash === "#overview") window.scrollTo(0, 0);
    }
  }
  document.addEventListener("click", function (ev) {
    var span = sentenceAt(ev.target);
    if (span) {
      link(span);
      return;
    }
    var mark = ev.target.closest && ev.target.closest("main mark[data-p]");
    if (mark && current && current.contains(mark)) {
      activate(+mark.getAttribute("data-p"), mark.closest(".doc").getAttribute("data-side"));
      return;
    }
    var bar = ev.target.closest && ev.target.closest(".locbar span[data-p]");
    if (bar && current && current.contains(bar)) activate(+bar.getAttribute("data-p"), null);
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var tag = ev.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") {
      if (ev.key === "Escape") ev.target.blur();
      return;
    }
    var span = sentenceAt(ev.target);
    if (span && (ev.key === "Enter" || ev.key === " ")) {
      ev.preventDefault();
      link(span);
      return;
    }
    var n = current ? +current.getAttribute("data-n") : 0;
    var count = passageCount();
    if ((ev.key === "j" || ev.key === "k") && count) {
      var step = ev.key === "j" ? 1 : -1;
      activate(passage < 0 ? (step > 0 ? 0 : count - 1) : (passage + step + count) % count, null);
    } else if (ev.key === "n" && n < total) {
      location.hash = "#finding-" + (n + 1);
    } else if (ev.key === "p" && n > 1) {
      location.hash = "#finding-" + (n - 1);
    } else if (ev.key === "u" || ev.key === "Escape") {
      location.hash = "#overview";
    } else if (ev.key === "/" && table) {
      ev.preventDefault();
      location.hash = "#overview";
      document.getElementById("filter").focus();
    } else {
      return;
    }
  });
  window.addEventListener("hashchange", show);
  // The browser's own jump to the fragment comes after this script ran.
  window.addEventListener("load", function () {
    if (current) window.scrollTo(0, 0);
    body.setAttribute("data-load-ms", Math.round(performance.now()));
  });
  show();
  body.setAttribute("data-ready", "1");
  body.setAttribute("data-init-ms", Math.round(performance.now()));
})();
