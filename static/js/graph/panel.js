// The profile's compact graph: people, topics and institutions of the stored slice.
// Runs on page load and again whenever htmx swaps a freshly built stage in.
(function () {
  "use strict";
  var COMPACT_TYPES = { person: true, topic: true, institution: true };

  function compactElements(elements) {
    var keep = {};
    var nodes = elements.nodes.filter(function (n) {
      var d = n.data;
      var ok = COMPACT_TYPES[d.type] && (d.type !== "person" || (d.degree || 0) <= 1);
      if (ok) keep[d.id] = true;
      return ok;
    });
    var edges = elements.edges.filter(function (e) { return keep[e.data.source] && keep[e.data.target]; });
    return { nodes: nodes, edges: edges };
  }

  // The slice's elements: fetched from the graph API after the page rendered (data-graph-src), or
  // read from an inline JSON script where a page still embeds them.
  function withElements(el, then) {
    if (el.dataset.graphSrc) {
      window.fetch(el.dataset.graphSrc, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
        .then(function (data) { then({ nodes: data.nodes || [], edges: data.edges || [], meta: data.meta || {} }); })
        .catch(function () {
          delete el.dataset.rendered;
          el.textContent = "The graph could not be loaded. Reload the page to try again.";
        });
      return;
    }
    var script = document.getElementById(el.dataset.graphCompact);
    if (script) then(JSON.parse(script.textContent));
  }

  function render(el) {
    if (el.dataset.rendered || typeof window.cytoscape !== "function") return;
    el.dataset.rendered = "1";
    withElements(el, function (elements) { draw(el, elements); });
  }

  function draw(el, elements) {
    var compact = compactElements(elements);
    // Every node starts on a circle, in the slice's order: stacked on one point, cose pushes
    // nodes apart in random directions, and the drawing (and how well it fills the box) would
    // change from one page load to the next.
    compact.nodes = compact.nodes.map(function (n, i) {
      var angle = 2 * Math.PI * i / compact.nodes.length;
      return Object.assign({}, n, { position: { x: 100 * Math.cos(angle), y: 100 * Math.sin(angle) } });
    });
    var cy = window.cytoscape({
      container: el,
      elements: compact,
      style: window.BZGraph.style,
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 6000, idealEdgeLength: 60, padding: 12 },
      userZoomingEnabled: false, userPanningEnabled: false, boxSelectionEnabled: false, autoungrabify: true
    });
    cy.on("tap", "node", function (evt) {
      var url = evt.target.data("url");
      if (url) window.location.href = url;
    });
    el._cy = cy;
    var laidOut = cy.nodes().map(function (n) { return Object.assign({}, n.position()); });
    // The stage may still be settling (htmx swap, late stylesheet, a narrow phone): whenever the
    // box changes size, the layout is stretched afresh to the box's shape and fitted, so the
    // drawing matches the box it ends in, not the one it had on the first frame.
    var refit = function () {
      cy.resize();
      if (cy.width() > 0 && cy.height() > 0) {
        cy.nodes().positions(function (n, i) { return laidOut[i]; });
        window.BZGraph.stretchToBox(cy);
      }
      cy.fit(undefined, 14);
    };
    window.requestAnimationFrame(refit);
    if (typeof window.ResizeObserver === "function") {
      new window.ResizeObserver(refit).observe(el);
    } else {
      window.addEventListener("resize", refit);
    }
  }

  function renderAll(root) {
    (root || document).querySelectorAll("[data-graph-compact]").forEach(render);
  }

  document.addEventListener("DOMContentLoaded", function () { renderAll(document); });
  document.addEventListener("htmx:afterSettle", function () { renderAll(document); });
  if (document.readyState !== "loading") renderAll(document);
})();
