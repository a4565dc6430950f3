// incidentkg workbench script. The data block is JSON (never executed); tooltip HTML in it was escaped once by
// page.py, so it can be parsed here. vis-network shows string titles as plain text, hence the DOM elements.
// Everything else this script writes into the page goes through textContent, never markup.
(function () {
  "use strict";
  // performance marks (read by bench/bench_viz.py): script started, data parsed, network built, first frame drawn
  performance.mark("ikg-start");
  var payload = JSON.parse(document.getElementById("ikg-data").textContent);
  performance.mark("ikg-parsed");
  var body = document.body;
  var status = document.getElementById("ikg-status");
  var details = document.getElementById("ikg-details");
  var facets = payload.facets || {};

  // In the pinned details a document's URL becomes a link when it is an absolute http(s) one (nothing else
  // does); the address is set as a property, never written as markup.
  function linkify(container) {
    container.querySelectorAll("tr").forEach(function (row) {
      var th = row.querySelector("th"), td = row.querySelector("td");
      var url = td ? td.textContent.trim() : "";
      if (!th || th.textContent !== "URL" || !/^https?:\/\/[^\s]+$/i.test(url)) { return; }
      var link = document.createElement("a");
      link.className = "doc";
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.appendChild(document.createElement("bdi")).textContent = url;
      while (td.firstChild) { td.removeChild(td.firstChild); }
      td.appendChild(link);
    });
    return container;
  }
  function pin(markup) {
    details.innerHTML = markup;
    linkify(details);
  }

  function tooltip(markup) {
    var element = document.createElement("div");
    element.className = "ikg-tip";
    element.innerHTML = markup;
    return element;
  }

  // Tooltip HTML stays a string until it is shown (thousands of DOM trees up front would slow the first frame);
  // the page shows it on hover itself instead of leaving it to vis-network.
  var titles = {};
  function withTooltip(record, kind) {
    if (typeof record.title === "string") { titles[kind + ":" + record.id] = record.title; }
    delete record.title;
    return record;
  }
  payload.edges.forEach(function (edge, index) { edge.id = "e" + index; });
  var labels = {};
  payload.nodes.forEach(function (n) { labels[n.id] = n.label; });
  var nodes = new vis.DataSet(payload.nodes.map(function (n) { return withTooltip(n, "node"); }));
  var edges = new vis.DataSet(payload.edges.map(function (e) { return withTooltip(e, "edge"); }));
  function edgeTooltip(edge) {
    // a large page carries no tooltip per edge: its relation and ends, as text (never markup)
    var box = document.createElement("div");
    box.className = "ikg-tip";
    var head = document.createElement("div");
    head.className = "tip-head";
    head.appendChild(document.createElement("bdi")).textContent = edge.p || edge.label || "";
    var ends = document.createElement("div");
    ends.className = "tip-cls";
    ends.appendChild(document.createElement("bdi")).textContent = labels[edge.from] || edge.from;
    ends.appendChild(document.createTextNode(" → "));
    ends.appendChild(document.createElement("bdi")).textContent = labels[edge.to] || edge.to;
    box.appendChild(head);
    box.appendChild(ends);
    return box;
  }
  var hoverTip = document.createElement("div");
  hoverTip.className = "vis-tooltip";
  document.getElementById("ikg-network").appendChild(hoverTip);
  function showTip(element, pointer) {
    while (hoverTip.firstChild) { hoverTip.removeChild(hoverTip.firstChild); }
    hoverTip.appendChild(element);
    hoverTip.style.left = (pointer.DOM.x + 12) + "px";
    hoverTip.style.top = (pointer.DOM.y + 12) + "px";
    hoverTip.style.visibility = "visible";
  }
  function hideTip() { hoverTip.style.visibility = "hidden"; }
  var summary = payload.nodes.length + " nodes, " + payload.edges.length + " edges";

  var network = new vis.Network(document.getElementById("ikg-network"), { nodes: nodes, edges: edges },
                                payload.options);
  window.ikgNetwork = network;
  performance.mark("ikg-network");
  network.on("hoverNode", function (params) {
    var markup = titles["node:" + params.node];
    if (markup !== undefined) { showTip(tooltip(markup), params.pointer); }
  });
  network.on("hoverEdge", function (params) {
    var markup = titles["edge:" + params.edge];
    showTip(markup !== undefined ? tooltip(markup) : edgeTooltip(edges.get(params.edge)), params.pointer);
  });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);
  body.setAttribute("data-network", "ready");

  // ------------------------------------------------------------ first frame: legible where it matters
  var LEGIBLE = 12;  // pixels on screen for the labels of incidents, claims and speakers
  function readableView() {
    network.fit({ animation: false });
    var scale = network.getScale();
    var wanted = LEGIBLE / 22;  // claims' and speakers' label size (page.py FONT_SIZES)
    var centre = payload.focus.length ? payload.focus[0] : payload.hub;
    if (scale < wanted && centre) {
      network.moveTo({ position: network.getPosition(centre), scale: wanted, animation: false });
    } else if (scale < wanted && payload.overview) {
      // the grid's top-left corner (state names, first years) at a legible size; the rest is a drag away
      var positions = network.getPositions(), xs = [], ys = [];
      Object.keys(positions).forEach(function (id) { xs.push(positions[id].x); ys.push(positions[id].y); });
      var canvas = document.getElementById("ikg-network");
      var minX = Math.min.apply(null, xs) - 230, minY = Math.min.apply(null, ys) - 40;
      network.moveTo({ position: { x: minX + canvas.clientWidth / 2 / wanted, y: minY + canvas.clientHeight / 2 / wanted },
                       scale: wanted, animation: false });
    }
  }
  function stopPhysics() {
    network.setOptions({ physics: false });
    readableView();
    network.once("afterDrawing", function () {
      performance.mark("ikg-drawn");
      body.setAttribute("data-stabilized", "true");
      status.textContent = summary;
      apply();
    });
    network.redraw();
  }

  // ------------------------------------------------------------ filters
  var state = { classes: {}, stances: {}, kinds: {}, outlets: {}, from: "", to: "" };
  function passes(id) {
    var f = facets[id];
    if (!f) { return true; }
    if (state.classes[f.c]) { return false; }
    if (f.st !== undefined && state.stances[f.st]) { return false; }
    if (f.k !== undefined && state.kinds[f.k]) { return false; }
    if (f.o && f.o.length && f.o.every(function (o) { return state.outlets[o]; })) { return false; }
    if (f.d && state.from && f.d < state.from) { return false; }
    if (f.d && state.to && f.d > state.to) { return false; }
    return true;
  }
  var visible = {};
  Object.keys(facets).forEach(function (id) { visible[id] = true; });  // every node starts shown
  function apply() {
    var changes = [];
    var counts = { classes: {}, stances: {}, kinds: {}, outlets: {} };
    Object.keys(facets).forEach(function (id) {
      var shown = passes(id);
      if (visible[id] !== shown) { changes.push({ id: id, hidden: !shown }); visible[id] = shown; }
      if (!shown) { return; }
      var f = facets[id];
      counts.classes[f.c] = (counts.classes[f.c] || 0) + 1;
      if (f.c === "Statement") {
        counts.stances[f.st] = (counts.stances[f.st] || 0) + 1;
        counts.kinds[f.k] = (counts.kinds[f.k] || 0) + 1;
        (f.o || []).forEach(function (o) { counts.outlets[o] = (counts.outlets[o] || 0) + 1; });
      }
    });
    if (changes.length) { nodes.update(changes); }
    var links = edges.get({ filter: function (e) { return !!e.link; } });
    if (links.length && links.some(function (e) { return !!e.hidden !== !!state.classes.IdentityLink; })) {
      edges.update(links.map(function (e) { return { id: e.id, hidden: !!state.classes.IdentityLink }; }));
    }
    counts.classes.IdentityLink = state.classes.IdentityLink ? 0 : links.length;
    document.querySelectorAll("#ikg-legend li[data-class]").forEach(function (li) {
      var name = li.getAttribute("data-class");
      li.querySelector(".count").textContent = String(counts.classes[name] || 0);
      li.classList.toggle("off", !!state.classes[name]);
    });
    ["stances", "kinds", "outlets"].forEach(function (group) {
      document.querySelectorAll("li[data-" + group + "]").forEach(function (li) {
        var key = li.getAttribute("data-" + group);
        li.querySelector(".count").textContent = (counts[group][key] || 0) + " / " + (totals[group][key] || 0);
        li.classList.toggle("off", !!state[group][key]);
      });
    });
    document.querySelectorAll(".statement[data-statement]").forEach(function (row) {
      var id = row.getAttribute("data-statement");
      row.classList.toggle("filtered", facets[id] !== undefined && !visible[id]);
    });
    document.querySelectorAll("#ikg-map [data-incident]").forEach(function (mark) {
      var id = mark.getAttribute("data-incident");
      mark.classList.toggle("filtered", facets[id] !== undefined && !visible[id]);
    });
    var shownCount = Object.keys(visible).filter(function (id) { return visible[id]; }).length;
    body.setAttribute("data-visible", String(shownCount));
    drawTimeline();
  }

  var totals = { stances: {}, kinds: {}, outlets: {} };
  Object.keys(facets).forEach(function (id) {
    var f = facets[id];
    if (f.c !== "Statement") { return; }
    totals.stances[f.st] = (totals.stances[f.st] || 0) + 1;
    totals.kinds[f.k] = (totals.kinds[f.k] || 0) + 1;
    (f.o || []).forEach(function (o) { totals.outlets[o] = (totals.outlets[o] || 0) + 1; });
  });
  function choiceList(listId, group, keys, labelOf) {
    var list = document.getElementById(listId);
    keys.forEach(function (key) {
      var li = document.createElement("li");
      li.setAttribute("data-" + group, key);
      var label = document.createElement("bdi");
      label.textContent = labelOf(key);
      var count = document.createElement("span");
      count.className = "count";
      li.appendChild(label);
      li.appendChild(count);
      li.addEventListener("click", function () { state[group][key] = !state[group][key]; apply(); });
      list.appendChild(li);
    });
  }
  choiceList("ikg-stances", "stances", Object.keys(totals.stances).sort(), function (k) { return k || "(none)"; });
  choiceList("ikg-kinds", "kinds", (payload.kinds || []).filter(function (k) { return totals.kinds[k]; }),
             function (k) { return k; });
  choiceList("ikg-outlets", "outlets", Object.keys(totals.outlets).sort(function (a, b) {
    return (totals.outlets[b] - totals.outlets[a]) || (a < b ? -1 : 1);
  }), function (k) { return payload.outlets[k] || k; });
  document.querySelectorAll("#ikg-legend li[data-class]").forEach(function (li) {
    li.addEventListener("click", function () {
      var name = li.getAttribute("data-class");
      state.classes[name] = !state.classes[name];
      apply();
    });
  });
  var fromInput = document.getElementById("ikg-from");
  var toInput = document.getElementById("ikg-to");
  function setRange(from, to) {
    state.from = from || "";
    state.to = to || "";
    fromInput.value = state.from;
    toInput.value = state.to;
    apply();
  }
  fromInput.addEventListener("change", function () { setRange(fromInput.value, toInput.value); });
  toInput.addEventListener("change", function () { setRange(fromInput.value, toInput.value); });
  document.getElementById("ikg-reset").addEventListener("click", function () {
    state.classes = {}; state.stances = {}; state.kinds = {}; state.outlets = {};
    setRange("", "");
  });

  // ------------------------------------------------------------ search
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }
  var search = document.getElementById("ikg-search");
  var searchResult = document.getElementById("ikg-search-result");
  function runSearch() {
    var query = fold(search.value);
    if (!query) { searchResult.textContent = ""; network.unselectAll(); showSelection([]); return; }
    var found = Object.keys(facets).filter(function (id) { return facets[id].s.indexOf(query) !== -1; });
    found.forEach(function (id) { if (!visible[id]) { state.classes[facets[id].c] = false; } });
    apply();
    found = found.filter(function (id) { return visible[id]; });
    searchResult.textContent = found.length + (found.length === 1 ? " match" : " matches");
    network.selectNodes(found, false);
    if (found.length) { network.fit({ nodes: found, animation: false, maxZoomLevel: 1 }); }
    showSelection(found);
  }
  search.addEventListener("input", runSearch);

  // ------------------------------------------------------------ selection, both ways
  function showSelection(ids) {
    var chosen = {};
    ids.forEach(function (id) { chosen[id] = true; });
    document.querySelectorAll(".statement[data-statement]").forEach(function (row) {
      row.classList.toggle("selected", !!chosen[row.getAttribute("data-statement")]);
    });
    document.querySelectorAll(".pair[data-pair]").forEach(function (pair) {
      var claims = pair.getAttribute("data-pair").split("|");
      var hit = claims.some(function (c) { return chosen[c]; }) ||
        Array.prototype.some.call(pair.querySelectorAll(".statement"), function (row) {
          return chosen[row.getAttribute("data-statement")];
        });
      pair.classList.toggle("selected", hit);
    });
    document.querySelectorAll("#ikg-map .mark").forEach(function (mark) {
      mark.classList.toggle("selected", !!chosen[mark.getAttribute("data-incident")]);
    });
    if (ids.length === 1 && titles["node:" + ids[0]] !== undefined) { pin(titles["node:" + ids[0]]); }
  }
  function focusOn(ids) {
    ids = ids.filter(function (id) { return nodes.get(id); });
    if (!ids.length) { return; }
    ids.forEach(function (id) { if (!visible[id] && facets[id]) { state.classes[facets[id].c] = false; } });
    apply();
    network.selectNodes(ids, false);
    network.focus(ids[0], { scale: Math.max(network.getScale(), 0.8), animation: false });
    showSelection(ids);
  }
  network.on("click", function (params) {
    var key = params.nodes.length ? "node:" + params.nodes[0]
            : params.edges.length ? "edge:" + params.edges[0] : null;
    if (key && titles[key] !== undefined) {
      pin(titles[key]);
    } else if (params.edges.length) {
      while (details.firstChild) { details.removeChild(details.firstChild); }
      details.appendChild(edgeTooltip(edges.get(params.edges[0])));
    }
    showSelection(params.nodes);
  });
  document.querySelectorAll(".statement[data-statement]").forEach(function (row) {
    row.addEventListener("click", function (event) {
      if (event.target.closest("a")) { return; }
      focusOn([row.getAttribute("data-statement")]);
    });
  });
  document.querySelectorAll(".side[data-claim] .claim").forEach(function (claim) {
    claim.addEventListener("click", function () { focusOn([claim.parentNode.getAttribute("data-claim")]); });
  });
  document.querySelectorAll("#ikg-map [data-incident]").forEach(function (mark) {
    mark.addEventListener("click", function () {
      var place = mark.getAttribute("data-place");
      focusOn(place && nodes.get(place) ? [place] : [mark.getAttribute("data-incident")]);
    });
  });

  // ------------------------------------------------------------ tabs
  var panels = { contradictions: "ikg-board", map: "ikg-map", details: "ikg-details-panel" };
  document.querySelectorAll("#ikg-tabs button").forEach(function (button) {
    button.addEventListener("click", function () {
      var tab = button.getAttribute("data-tab");
      document.querySelectorAll("#ikg-tabs button").forEach(function (b) {
        b.setAttribute("aria-selected", String(b === button));
      });
      Object.keys(panels).forEach(function (name) { document.getElementById(panels[name]).hidden = name !== tab; });
    });
  });

  // ------------------------------------------------------------ timeline (own SVG): brush to filter, wheel to zoom
  // the SVG namespace, as the parser gave it to the map (so that no URL needs writing here)
  var SVG_NS = document.querySelector("#ikg-map svg").namespaceURI;
  var box = document.getElementById("ikg-timeline");
  var items = payload.timeline || [];
  var DAY = 86400000;
  function time(d) { return Date.parse(d.slice(0, 10) + "T00:00:00Z"); }
  function iso(t) { return new Date(t).toISOString().slice(0, 10); }
  var full = items.length ? [time(items[0].d) - 15 * DAY, time(items[items.length - 1].d) + 15 * DAY] : [0, DAY];
  // opens on the middle nine tenths of the items (a few late documents would squeeze the rest into a line);
  // the wheel zooms out to the rest, a double-click shows everything
  function opening() {
    if (items.length < 10) { return full.slice(); }
    var lo = time(items[Math.floor(items.length * 0.05)].d), hi = time(items[Math.ceil(items.length * 0.95) - 1].d);
    var pad = Math.max(15 * DAY, (hi - lo) * 0.08);
    return [Math.max(full[0], lo - pad), Math.min(full[1], hi + pad)];
  }
  var domain = opening();
  var svg = document.createElementNS(SVG_NS, "svg");
  box.appendChild(svg);
  var lanes = {};
  items.forEach(function (item) { if (lanes[item.lane] === undefined) { lanes[item.lane] = Object.keys(lanes).length; } });
  var LEFT = 86;
  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG_NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (parent || svg).appendChild(node);
    return node;
  }
  function xOf(t, width) { return LEFT + (t - domain[0]) / (domain[1] - domain[0]) * (width - LEFT - 10); }
  function tOf(x, width) { return domain[0] + (x - LEFT) / (width - LEFT - 10) * (domain[1] - domain[0]); }
  var brush = null;
  function drawTimeline() {
    var width = box.clientWidth || 800;
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    el("rect", { x: 0, y: 0, width: width, height: 120, fill: "transparent" });
    var span = domain[1] - domain[0];
    var step = span > 3 * 365 * DAY ? "year" : span > 90 * DAY ? "month" : "day";
    var tick = new Date(domain[0]);
    tick = new Date(Date.UTC(tick.getUTCFullYear(), step === "year" ? 0 : tick.getUTCMonth(), step === "day" ? tick.getUTCDate() : 1));
    var guard = 0;
    while (tick.getTime() <= domain[1] && guard++ < 400) {
      var x = xOf(tick.getTime(), width);
      if (x >= LEFT) {
        el("line", { x1: x, x2: x, y1: 14, y2: 104, stroke: "#e3e3e3" });
        var label = el("text", { x: x + 2, y: 116, "font-size": 10, fill: "#666" });
        label.textContent = step === "year" ? iso(tick.getTime()).slice(0, 4)
          : step === "month" ? iso(tick.getTime()).slice(0, 7) : iso(tick.getTime()).slice(5);
      }
      if (step === "year") { tick = new Date(Date.UTC(tick.getUTCFullYear() + 1, 0, 1)); }
      else if (step === "month") { tick = new Date(Date.UTC(tick.getUTCFullYear(), tick.getUTCMonth() + 1, 1)); }
      else { tick = new Date(tick.getTime() + Math.max(1, Math.round(span / DAY / 12)) * DAY); }
    }
    Object.keys(lanes).forEach(function (lane) {
      var text = el("text", { x: 4, y: 34 + lanes[lane] * 34, "font-size": 11, fill: "#444" });
      text.textContent = /s$/.test(lane) ? lane : lane + "s";
    });
    var most = Math.max.apply(null, items.map(function (i) { return i.n || 1; }).concat([1]));
    var stacks = {};  // items on the same few pixels stack upwards within their lane
    items.forEach(function (item) {
      var t = time(item.d);
      if (t < domain[0] || t > domain[1]) { return; }
      var x = xOf(t, width), slot = item.lane + ":" + Math.round(x / 6);
      stacks[slot] = (stacks[slot] || 0) + 1;
      var y = 34 + lanes[item.lane] * 34 - Math.min(4, stacks[slot] - 1) * 5;
      var shown = facets[item.id] === undefined || visible[item.id] !== false;
      if (item.n) {
        var h = 8 + 60 * item.n / most;
        el("rect", { x: x - 6, y: 100 - h, width: 12, height: h, fill: "#d62728", "fill-opacity": 0.7 })
          .appendChild(document.createElementNS(SVG_NS, "title")).textContent = item.d.slice(0, 4) + ": " + item.n;
        return;
      }
      var dot = el("circle", { cx: x, cy: y, r: 4, fill: item.lane === "Statement" ? "#17becf" : "#9467bd",
                               "fill-opacity": shown ? 0.85 : 0.15, "data-item": item.id });
      dot.appendChild(document.createElementNS(SVG_NS, "title")).textContent = item.d;
    });
    if (state.from || state.to) {
      var a = xOf(state.from ? time(state.from) : domain[0], width);
      var b = xOf(state.to ? time(state.to) : domain[1], width);
      el("rect", { x: Math.min(a, b), y: 12, width: Math.abs(b - a), height: 94, fill: "#d62728",
                   "fill-opacity": 0.12, stroke: "#d62728", "stroke-width": 1, "class": "brush" });
    }
    if (brush) {
      el("rect", { x: Math.min(brush.a, brush.b), y: 12, width: Math.abs(brush.b - brush.a), height: 94,
                   fill: "#1f77b4", "fill-opacity": 0.15, stroke: "#1f77b4" });
    }
  }
  function localX(event) { return event.clientX - svg.getBoundingClientRect().left; }
  // redrawn only once a drag has begun, so that a double-click lands on the elements it started on
  svg.addEventListener("mousedown", function (event) { brush = { a: localX(event), b: localX(event) }; });
  window.addEventListener("mousemove", function (event) {
    if (brush) {
      brush.b = localX(event);
      if (Math.abs(brush.b - brush.a) >= 3) { drawTimeline(); }
    }
  });
  window.addEventListener("mouseup", function () {
    if (!brush) { return; }
    var width = box.clientWidth || 800, a = Math.min(brush.a, brush.b), b = Math.max(brush.a, brush.b);
    brush = null;
    if (b - a < 3) { return; }
    setRange(iso(tOf(a, width)), iso(tOf(b, width)));
  });
  svg.addEventListener("dblclick", function () { domain = full.slice(); setRange("", ""); });
  // the map: the wheel zooms around the pointer (marks a few kilometres apart part at close range)
  var mapSvg = document.querySelector("#ikg-map svg");
  var view = mapSvg.getAttribute("viewBox").split(" ").map(Number), mapFull = view.slice();
  mapSvg.addEventListener("wheel", function (event) {
    event.preventDefault();
    var r = mapSvg.getBoundingClientRect();
    var px = view[0] + (event.clientX - r.left) / r.width * view[2];
    var py = view[1] + (event.clientY - r.top) / r.height * view[3];
    var f = event.deltaY > 0 ? 1.25 : 0.8;
    var w = Math.min(mapFull[2], view[2] * f), h = Math.min(mapFull[3], view[3] * f);
    view = [px - (px - view[0]) * w / view[2], py - (py - view[1]) * h / view[3], w, h];
    mapSvg.setAttribute("viewBox", view.join(" "));
    mapSvg.querySelectorAll("circle").forEach(function (c) {
      if (!c.dataset.r) { c.dataset.r = c.getAttribute("r"); }
      c.setAttribute("r", String(Number(c.dataset.r) * Math.max(0.05, w / mapFull[2])));
    });
  }, { passive: false });
  mapSvg.addEventListener("dblclick", function () {
    view = mapFull.slice();
    mapSvg.setAttribute("viewBox", view.join(" "));
    mapSvg.querySelectorAll("circle").forEach(function (c) { if (c.dataset.r) { c.setAttribute("r", c.dataset.r); } });
  });
  svg.addEventListener("wheel", function (event) {
    event.preventDefault();
    var width = box.clientWidth || 800, centre = tOf(localX(event), width);
    var factor = event.deltaY > 0 ? 1.25 : 0.8;
    domain = [centre - (centre - domain[0]) * factor, centre + (domain[1] - centre) * factor];
    drawTimeline();
  }, { passive: false });
  window.addEventListener("resize", drawTimeline);

  // for tests and power users: what is shown, and the filters
  window.ikgWorkbench = {
    visibleNodes: function () { return Object.keys(visible).filter(function (id) { return visible[id]; }); },
    state: state,
    setRange: setRange,
    apply: apply,
  };
  // last, so that everything above exists when the first frame is drawn (without physics, at once); a large
  // page fills its counts, board and timeline just after that frame (stopPhysics), a small one at once
  if (payload.nodes.length === 0 || (payload.options.physics && payload.options.physics.enabled === false)) {
    stopPhysics();
  } else {
    apply();
    network.once("stabilizationIterationsDone", stopPhysics);
  }
})();
