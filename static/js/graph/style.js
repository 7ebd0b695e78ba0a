// Shared Cytoscape look of the research graph (profile panel and explorer).
// People are coloured by Louvain community; claimed records are solid, unclaimed ones pale
// with a coloured ring, low-confidence ones (weak byline matches, disputed) dashed.
(function () {
  "use strict";
  var PALETTE = ["#1f5fbf", "#b5462f", "#1b7a4b", "#6b3fa0", "#a86b00", "#0f7c8c", "#a1306e", "#4a5a70"];
  function communityColour(ele) {
    var c = ele.data("community");
    return PALETTE[(typeof c === "number" ? c : 0) % PALETTE.length];
  }
  var style = [
    { selector: "node", style: {
      "label": "data(label)", "font-size": 12, "color": "#17202e", "text-valign": "bottom", "text-margin-y": 3,
      "text-wrap": "ellipsis", "text-max-width": 140, "min-zoomed-font-size": 8,
      "text-background-color": "#ffffff", "text-background-opacity": 0.75, "text-background-padding": 1,
      "width": 16, "height": 16, "border-width": 1, "border-color": "#ffffff" } },
    { selector: "node[type = 'person']", style: {
      "shape": "ellipse", "background-color": communityColour, "border-color": communityColour,
      "width": "mapData(weighted_degree, 0, 40, 16, 40)", "height": "mapData(weighted_degree, 0, 40, 16, 40)" } },
    { selector: "node[type = 'person'][?claimed]", style: { "border-width": 3, "border-color": "#17202e" } },
    { selector: "node[type = 'person'][!claimed]", style: { "background-opacity": 0.45, "border-width": 2 } },
    { selector: "node[?low_confidence]", style: { "border-style": "dashed", "border-width": 2, "opacity": 0.75 } },
    { selector: "node[?center]", style: { "width": 44, "height": 44, "font-size": 12, "font-weight": "bold",
      "background-opacity": 1 } },
    { selector: "node[type = 'paper']", style: {
      "shape": "round-rectangle", "width": 12, "height": 9, "background-color": "#8a93a1", "font-size": 7,
      "text-max-width": 90, "label": "" } },
    { selector: "node[type = 'paper'][?nearby]", style: { "background-color": "#ffffff", "border-color": "#8a93a1",
      "border-width": 1.5, "border-style": "dashed" } },
    { selector: "node[type = 'topic']", style: { "shape": "diamond", "background-color": "#d39b1f",
      "width": "mapData(weight, 0, 1, 14, 30)", "height": "mapData(weight, 0, 1, 14, 30)" } },
    { selector: "node[type = 'institution']", style: { "shape": "hexagon", "background-color": "#1b7a4b",
      "width": 18, "height": 18 } },
    // The explorer labels only its most connected nodes (explorer.js); the rest on hover or selection.
    { selector: "node.unlabelled", style: { "label": "" } },
    { selector: "node.hover-label", style: { "label": "data(label)", "z-index": 25 } },
    { selector: "node:selected, node.match", style: { "border-width": 4, "border-color": "#f2b705", "label": "data(label)",
      "z-index": 20 } },
    { selector: "edge", style: { "width": 1, "line-color": "#cfd5de", "curve-style": "haystack", "opacity": 0.8 } },
    { selector: "edge[type = 'coauthored']", style: { "width": "mapData(weight, 1, 10, 1, 6)", "line-color": "#8fa6c7" } },
    { selector: "edge[type = 'coauthored'][?close]", style: { "line-color": "#1f5fbf" } },
    { selector: "edge[type = 'nearby']", style: { "line-style": "dashed", "line-color": "#b9c0cb" } },
    { selector: "edge[type = 'works_on'], edge[type = 'about']", style: { "line-color": "#e3c477" } },
    { selector: "edge[type = 'affiliated']", style: { "line-color": "#7fb89a", "line-style": "dotted", "width": 1.5 } },
    { selector: "edge:selected", style: { "label": "data(label)", "font-size": 8, "text-rotation": "autorotate",
      "line-color": "#f2b705", "z-index": 20 } },
    { selector: ".faded", style: { "opacity": 0.12 } },
    { selector: ".path", style: { "line-color": "#d4380d", "border-color": "#d4380d", "border-width": 4,
      "width": 4, "opacity": 1, "z-index": 30, "label": "data(label)", "font-size": 8, "curve-style": "bezier",
      "text-rotation": "autorotate", "text-background-color": "#ffffff", "text-background-opacity": 0.8 } },
    { selector: "node.path", style: { "width": 26, "height": 26 } },
    { selector: ".filtered", style: { "display": "none" } }
  ];
  // Stretch a layout to the shape of its box (cose draws a round cluster; boxes are wide), so
  // that a fit fills the box instead of leaving a small disc in the middle. Positions are node
  // centres, and the drawn extent also holds each node's own size, which a stretch does not
  // scale: the centres' spread is stretched by what makes the whole extent take the box's shape
  // (scaling by the extent's ratio alone fell short, the more so the fewer the nodes).
  function stretchToBox(cy, eles, maxFactor) {
    eles = eles || cy.elements();
    var nodes = eles.nodes();
    if (nodes.length < 3 || !cy.width() || !cy.height()) return;
    var bb = nodes.boundingBox({ includeLabels: false });
    if (!bb.w || !bb.h) return;
    var x1 = Infinity, x2 = -Infinity, y1 = Infinity, y2 = -Infinity;
    nodes.forEach(function (n) {
      var p = n.position();
      x1 = Math.min(x1, p.x); x2 = Math.max(x2, p.x); y1 = Math.min(y1, p.y); y2 = Math.max(y2, p.y);
    });
    var spanX = x2 - x1, spanY = y2 - y1;
    var want = cy.width() / cy.height(), have = bb.w / bb.h;
    var sx = 1, sy = 1, cap = maxFactor || 2.5;
    if (have < want && spanX > 0) sx = Math.min(Math.max((want * bb.h - (bb.w - spanX)) / spanX, 1), cap);
    else if (have > want && spanY > 0) sy = Math.min(Math.max((bb.w / want - (bb.h - spanY)) / spanY, 1), cap);
    var cx = bb.x1 + bb.w / 2, cyy = bb.y1 + bb.h / 2;
    nodes.positions(function (n) {
      var p = n.position();
      return { x: cx + (p.x - cx) * sx, y: cyy + (p.y - cyy) * sy };
    });
  }

  window.BZGraph = window.BZGraph || {};
  window.BZGraph.stretchToBox = stretchToBox;
  window.BZGraph.style = style;
  window.BZGraph.palette = PALETTE;
})();
