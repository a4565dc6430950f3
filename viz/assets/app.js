// incidentkg page script. The data block is JSON (never executed); tooltip HTML in it was escaped once by
// page.py, so it can be parsed here. vis-network shows string titles as plain text, hence the DOM elements.
(function () {
  "use strict";
  var payload = JSON.parse(document.getElementById("ikg-data").textContent);
  var body = document.body;
  var status = document.getElementById("ikg-status");
  var details = document.getElementById("ikg-details");

  function tooltip(markup) {
    var element = document.createElement("div");
    element.className = "ikg-tip";
    element.innerHTML = markup;
    return element;
  }

  var titles = {};
  function withTooltip(record, kind) {
    if (typeof record.title === "string") {
      titles[kind + ":" + record.id] = record.title;
      record.title = tooltip(record.title);
    }
    return record;
  }
  payload.edges.forEach(function (edge, index) { edge.id = "e" + index; });
  var nodes = new vis.DataSet(payload.nodes.map(function (n) { return withTooltip(n, "node"); }));
  var edges = new vis.DataSet(payload.edges.map(function (e) { return withTooltip(e, "edge"); }));
  var summary = payload.nodes.length + " nodes, " + payload.edges.length + " edges";

  var network = new vis.Network(document.getElementById("ikg-network"), { nodes: nodes, edges: edges },
                                payload.options);
  window.ikgNetwork = network;
  body.setAttribute("data-network", "ready");

  function stopPhysics() {
    network.setOptions({ physics: false });
    body.setAttribute("data-stabilized", "true");
    status.textContent = summary;
  }
  network.once("stabilizationIterationsDone", stopPhysics);
  if (payload.nodes.length === 0) { stopPhysics(); }

  network.on("click", function (params) {
    var key = params.nodes.length ? "node:" + params.nodes[0]
            : params.edges.length ? "edge:" + params.edges[0] : null;
    if (key && titles[key] !== undefined) { details.innerHTML = titles[key]; }
  });
})();
