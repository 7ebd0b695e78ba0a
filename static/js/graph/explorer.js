// The full research-graph explorer: filters, search, details, expand, shortest path, export.
// All text from the data is written with textContent: titles and names are untrusted.
(function () {
  "use strict";

  var root, cy, statusEl, detailsEl;
  var expanded = {};       // node id -> true once its own slice has been merged in
  var POLL_MS = 2000, POLL_LIMIT = 90;

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "class") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function setStatus(text) { statusEl.textContent = text; }

  function apiUrlFor(slug, depth) {
    return "/api/researchers/" + encodeURIComponent(slug) + "/graph/?depth=" + depth;
  }

  // Fetch a slice; while it builds, keep polling and merge what is already available.
  function fetchSlice(url, onData, attempt) {
    attempt = attempt || 0;
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error("The graph API answered " + r.status);
        return r.json();
      })
      .then(function (data) {
        onData(data);
        if (data.status === "building" && attempt < POLL_LIMIT) {
          return new Promise(function (resolve) { setTimeout(resolve, POLL_MS); })
            .then(function () { return fetchSlice(url, onData, attempt + 1); });
        }
        return data;
      });
  }

  function merge(data, around) {
    var origin = around ? cy.getElementById(around) : null;
    var base = origin && origin.nonempty() ? origin.position() : { x: 0, y: 0 };
    var added = cy.collection();
    cy.batch(function () {
      (data.nodes || []).forEach(function (n) {
        if (cy.getElementById(n.data.id).nonempty()) return;
        var copy = { group: "nodes", data: Object.assign({}, n.data) };
        if (around) {
          // A node from another slice is no longer that slice's centre here.
          if (copy.data.center) copy.data.center = false;
          copy.position = { x: base.x + (Math.random() - 0.5) * 160, y: base.y + (Math.random() - 0.5) * 160 };
        }
        added = added.union(cy.add(copy));
      });
      (data.edges || []).forEach(function (e) {
        if (cy.getElementById(e.data.id).nonempty()) return;
        var source = cy.getElementById(e.data.source), target = cy.getElementById(e.data.target);
        if (source.empty() || target.empty()) return;
        // The same coauthorship arrives from both people's slices, once in each direction.
        if (source.edgesWith(target).filter(function (x) { return x.data("type") === e.data.type; }).nonempty()) return;
        added = added.union(cy.add({ group: "edges", data: Object.assign({}, e.data) }));
      });
    });
    return added;
  }

  function layout(randomize) {
    cy.layout({ name: "cose", animate: false, randomize: !!randomize, nodeRepulsion: 9000, idealEdgeLength: 70,
                nodeOverlap: 8, padding: 24, numIter: 1500 }).run();
    window.BZGraph.stretchToBox(cy, cy.elements().not(".filtered"), 2);
  }

  // Labels: only the most connected nodes carry one (the rest on hover or selection), so that
  // a crowded slice stays legible.
  var LABELS = { person: 12, topic: 4, institution: 3 };
  // Below this zoom the 12 px labels would render under ~10 px: zoom in on the centre instead of
  // fitting everything at an unreadable size (the reader pans or zooms out for the rest).
  var MIN_READABLE_ZOOM = 0.85;

  function labelTopNodes() {
    cy.batch(function () {
      cy.nodes().addClass("unlabelled");
      var shown = cy.nodes().not(".filtered");
      shown.filter("[?center]").removeClass("unlabelled");
      Object.keys(LABELS).forEach(function (type) {
        shown.filter("[type = '" + type + "']").sort(function (a, b) {
          return (b.data("weighted_degree") || b.data("weight") || 0) - (a.data("weighted_degree") || a.data("weight") || 0);
        }).slice(0, LABELS[type]).removeClass("unlabelled");
      });
    });
  }

  function fitSensibly() {
    var shown = cy.elements().not(".filtered");
    cy.fit(shown, 30);
    if (cy.zoom() < MIN_READABLE_ZOOM) {
      var center = cy.getElementById(root.dataset.center);
      cy.zoom(MIN_READABLE_ZOOM);
      cy.center(center.nonempty() ? center : shown);
    }
  }

  // ---- filters -------------------------------------------------------------------------

  function overlaps(first, last, from, to) {
    if (first == null && last == null) return true;
    if (first == null) first = last;
    if (last == null) last = first;
    return (from == null || last >= from) && (to == null || first <= to);
  }

  function numberOrNull(input) {
    var v = parseInt(input.value, 10);
    return isNaN(v) ? null : v;
  }

  function applyFilters() {
    var types = {};
    document.querySelectorAll("#graph-filters input[name='type']").forEach(function (box) { types[box.value] = box.checked; });
    var from = numberOrNull($("year-from")), to = numberOrNull($("year-to"));
    var minShared = parseInt($("min-shared").value, 10) || 1;
    $("min-shared-value").textContent = String(minShared);
    cy.batch(function () {
      cy.elements().removeClass("filtered");
      cy.edges().forEach(function (e) {
        var d = e.data();
        if (d.type === "coauthored" && ((d.papers || 0) < minShared || !overlaps(d.first_year, d.last_year, from, to))) e.addClass("filtered");
        if (d.type === "affiliated" && d.year && !overlaps(d.year, d.year, from, to)) e.addClass("filtered");
      });
      cy.nodes().forEach(function (n) {
        var d = n.data();
        if (d.center || expanded[d.id]) return;
        var hide = !types[d.type];
        if (!hide && d.type === "paper" && d.year && !overlaps(d.year, d.year, from, to)) hide = true;
        if (!hide && d.type === "person") {
          var links = n.connectedEdges("[type = 'coauthored']");
          if (links.nonempty() && links.not(".filtered").empty()) hide = true;
        }
        if (hide) n.addClass("filtered");
      });
      cy.edges().forEach(function (e) {
        if (e.source().hasClass("filtered") || e.target().hasClass("filtered")) e.addClass("filtered");
      });
      // Institutions and nearby papers with every link filtered away would float unexplained.
      cy.nodes("[type = 'institution'], [type = 'paper'][?nearby]").forEach(function (n) {
        if (!n.hasClass("filtered") && n.connectedEdges().not(".filtered").empty()) n.addClass("filtered");
      });
    });
    labelTopNodes();
    var shown = cy.nodes().not(".filtered").length;
    setStatus(shown + " of " + cy.nodes().length + " nodes shown" + lastStatusSuffix);
  }

  var lastStatusSuffix = "";

  // ---- search --------------------------------------------------------------------------

  function search(term, select) {
    term = (term || "").trim().toLowerCase();
    cy.nodes().removeClass("match");
    if (!term) return cy.collection();
    var hits = cy.nodes().not(".filtered").filter(function (n) {
      var d = n.data();
      return [d.label, d.slug, d.arxiv_id].some(function (v) { return v && String(v).toLowerCase().indexOf(term) !== -1; });
    });
    hits.addClass("match");
    if (select && hits.nonempty()) selectNode(hits[0]);
    return hits;
  }

  // ---- details -------------------------------------------------------------------------

  var FACTS = {
    person: [["degree", "Distance", function (v) { return v === 0 ? "this researcher" : v === 1 ? "coauthor" : "second degree"; }],
             ["shared_papers", "Shared papers"], ["first_year", "First shared year"], ["last_year", "Last shared year"],
             ["close", "Close collaborator", yesNo], ["claim_state", "Record"],
             ["verification_level", "Verification", function (v) { return "L" + v; }],
             ["low_confidence", "Low confidence", yesNo], ["works_count", "Works"],
             ["weighted_degree", "Weighted degree"], ["betweenness", "Betweenness"], ["community", "Community"]],
    paper: [["arxiv_id", "arXiv"], ["year", "Year"], ["own", "Own work", yesNo], ["reason", "Nearby because"],
            ["weighted_degree", "Weighted degree"]],
    topic: [["kind", "Kind"], ["weight", "Weight", function (v) { return Number(v).toFixed(2); }], ["papers_count", "Papers"]],
    institution: [["weighted_degree", "Links"]]
  };

  function yesNo(v) { return v ? "yes" : "no"; }

  function selectNode(node) {
    cy.elements().unselect();
    node.select();
    cy.animate({ center: { eles: node }, duration: 200 });
    showDetails(node);
  }

  function showDetails(node) {
    var d = node.data();
    detailsEl.textContent = "";
    var title = d.url ? el("a", { href: d.url, text: d.label }) : document.createTextNode(d.label);
    detailsEl.appendChild(el("p", { class: "eyebrow", text: d.type }));
    detailsEl.appendChild(el("h2", {}, [title]));
    var dl = el("dl");
    (FACTS[d.type] || []).forEach(function (fact) {
      var value = d[fact[0]];
      if (value === undefined || value === null || value === "") return;
      dl.appendChild(el("dt", { text: fact[1] }));
      dl.appendChild(el("dd", { text: fact[2] ? fact[2](value) : String(value) }));
    });
    detailsEl.appendChild(dl);
    var actions = el("p");
    if (d.type === "person" && !expanded[d.id] && d.slug) {
      var expand = el("button", { type: "button", id: "expand-node", text: "Expand" });
      expand.addEventListener("click", function () { expandNode(node); });
      actions.appendChild(expand);
    }
    if (d.type === "person" && d.slug && d.slug !== root.dataset.slug) {
      var connect = el("button", { type: "button", class: "secondary", text: "How am I connected?" });
      connect.addEventListener("click", function () { $("path-to").value = d.slug; findPath(d.slug); });
      actions.appendChild(connect);
    }
    if (d.url) actions.appendChild(el("a", { href: d.url, role: "button", class: "outline", text: "Open page" }));
    detailsEl.appendChild(actions);
    var edges = node.connectedEdges().not(".filtered");
    detailsEl.appendChild(el("h3", { class: "h-small", text: edges.length + " edge" + (edges.length === 1 ? "" : "s") }));
    var list = el("ul", { class: "edge-list" });
    edges.sort(function (a, b) { return (b.data("weight") || 0) - (a.data("weight") || 0); }).forEach(function (e) {
      var other = e.source().id() === node.id() ? e.target() : e.source();
      var link = el("a", { href: "#", text: other.data("label") });
      link.addEventListener("click", function (evt) { evt.preventDefault(); selectNode(other); });
      list.appendChild(el("li", {}, [link, el("br"), el("small", { class: "muted", text: e.data("label") })]));
    });
    detailsEl.appendChild(list);
  }

  function expandNode(node) {
    var d = node.data();
    setStatus("Expanding " + d.label + "…");
    return fetchSlice(apiUrlFor(d.slug, 1), function (data) {
      merge(data, node.id());
      if (data.status !== "building") {
        expanded[node.id()] = true;
        layout(false);
        applyFilters();
        refreshPeople();
        showDetails(node);
      } else {
        setStatus("Building the slice of " + d.label + "…");
      }
    }).catch(function (err) { setStatus("Could not expand " + d.label + ": " + err.message); });
  }

  // ---- shortest path -------------------------------------------------------------------

  function refreshPeople() {
    var list = $("path-people");
    list.textContent = "";
    cy.nodes("[type = 'person']").forEach(function (n) {
      if (n.data("slug") === root.dataset.slug) return;
      list.appendChild(el("option", { value: n.data("slug"), label: n.data("label") }));
    });
  }

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  // A profile URL, a person of this graph (by slug or name), else null: the name is looked up.
  function targetSlug(value) {
    value = (value || "").trim();
    var m = value.match(/\/researchers\/([^/]+)\/?/);
    if (m) return decodeURIComponent(m[1]);
    var people = cy.nodes("[type = 'person']").filter(function (n) {
      return n.data("slug") === value || fold(n.data("label")) === fold(value);
    });
    return people.nonempty() ? people[0].data("slug") : null;
  }

  // Names outside the graph go through the site's researcher search (typo- and accent-tolerant,
  // best match first). One record with exactly that name, or a single hit, is taken; otherwise the
  // reader chooses.
  function resolveName(value) {
    var url = "/api/researchers/?search=" + encodeURIComponent(value);
    return fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("the researcher search answered " + r.status);
        return r.json();
      })
      .then(function (body) {
        var hits = (body.results || []).filter(function (a) { return a.slug !== $("path-from").value; });
        var exact = hits.filter(function (a) { return fold(a.display_name) === fold(value); });
        if (exact.length === 1) return { slug: exact[0].slug };
        if (hits.length === 1 && !exact.length) return { slug: hits[0].slug };
        return { choices: (exact.length ? exact : hits).slice(0, 8) };
      });
  }

  function offerChoices(value, choices) {
    var out = $("path-result");
    out.textContent = "";
    if (!choices.length) {
      out.appendChild(el("p", { role: "alert", text: "No researcher is named like “" + value + "”." }));
      return;
    }
    out.appendChild(el("p", { text: "Several researchers match “" + value + "”. Which one?" }));
    var list = el("ul", { class: "path-choices", "data-path-choices": "" });
    choices.forEach(function (a) {
      var years = a.first_year ? " · " + a.first_year + (a.last_year && a.last_year !== a.first_year ? "–" + a.last_year : "") : "";
      var works = a.counts ? " · " + a.counts.works + " work" + (a.counts.works === 1 ? "" : "s") : "";
      var pick = el("button", { type: "button", class: "secondary", "data-slug": a.slug, text: a.display_name });
      pick.addEventListener("click", function () { $("path-to").value = a.slug; findPath(a.slug); });
      list.appendChild(el("li", {}, [pick, el("small", { class: "muted", text: works + years + (a.affiliation ? " · " + a.affiliation : "") })]));
    });
    out.appendChild(list);
  }

  function clearPath() {
    cy.elements().removeClass("path faded");
    cy.remove(cy.elements(".path-only"));
  }

  function findPath(slug) {
    var typed = $("path-to").value.trim();
    var out = $("path-result");
    if (!typed && !slug) { out.textContent = "Name a researcher to connect to."; return; }
    var to = slug || targetSlug(typed);
    out.textContent = "Searching…";
    var byName = function () {
      resolveName(typed).then(function (found) {
        if (found.slug) findPath(found.slug);
        else offerChoices(typed, found.choices);
      }).catch(function (err) { out.textContent = "Could not look up “" + typed + "”: " + err.message; });
    };
    // A profile slug typed by hand ("zed-browser") is tried as one first; a name is looked up.
    var maybeSlug = !to && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(typed);
    if (maybeSlug) to = typed;
    if (!to) { byName(); return; }
    var from = $("path-from").value;
    var url = root.dataset.pathUrl + "?from=" + encodeURIComponent(from) + "&to=" + encodeURIComponent(to);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, status: r.status, body: body }; }); })
      .then(function (res) {
        clearPath();
        out.textContent = "";
        if (!res.ok && maybeSlug && res.status === 404) { byName(); return; }
        if (!res.ok) { out.appendChild(el("p", { role: "alert", text: res.body.detail || "Path search failed." })); return; }
        var path = res.body;
        out.appendChild(el("p", { text: path.message }));
        if (!path.found) return;
        highlightPath(path);
        var ol = el("ol", { class: "path-steps" });
        path.steps.forEach(function (step, i) {
          var a = path.nodes[i], b = path.nodes[i + 1];
          var papers = el("ul");
          step.papers.forEach(function (p) {
            papers.appendChild(el("li", {}, [el("a", { href: p.url, text: p.title }), el("small", { class: "muted", text: " · " + (p.year || "") + " · arXiv " + p.arxiv_id })]));
          });
          ol.appendChild(el("li", {}, [
            el("a", { href: a.url, text: a.label }), document.createTextNode(" — "), el("a", { href: b.url, text: b.label }),
            el("small", { class: "muted", text: " · " + step.shared_papers + " shared paper" + (step.shared_papers === 1 ? "" : "s") }),
            papers
          ]));
        });
        out.appendChild(ol);
        var clear = el("button", { type: "button", class: "secondary", text: "Clear path" });
        clear.addEventListener("click", function () { clearPath(); out.textContent = ""; });
        out.appendChild(clear);
      })
      .catch(function (err) { out.textContent = "Path search failed: " + err.message; });
  }

  function highlightPath(path) {
    var center = cy.getElementById(root.dataset.center);
    var base = center.nonempty() ? center.position() : { x: 0, y: 0 };
    var members = cy.collection();
    cy.batch(function () {
      path.nodes.forEach(function (n, i) {
        var node = cy.getElementById(n.id);
        if (node.empty()) {
          node = cy.add({ group: "nodes", classes: "path-only",
                          data: { id: n.id, type: "person", label: n.label, slug: n.slug, url: n.url, degree: 3,
                                  claim_state: n.claim_state, claimed: n.claim_state === "claimed",
                                  verification_level: n.verification_level, community: 7 },
                          position: { x: base.x + 120 * i, y: base.y - 220 } });
        }
        node.removeClass("filtered");
        members = members.union(node);
      });
      path.steps.forEach(function (s) {
        var edge = cy.edges().filter(function (e) {
          return e.data("type") === "coauthored" &&
            ((e.data("source") === s.source && e.data("target") === s.target) || (e.data("source") === s.target && e.data("target") === s.source));
        });
        if (edge.empty()) {
          edge = cy.add({ group: "edges", classes: "path-only",
                          data: { id: "path:" + s.source + "-" + s.target, source: s.source, target: s.target, type: "coauthored",
                                  label: "coauthored · " + s.shared_papers + " paper" + (s.shared_papers === 1 ? "" : "s"),
                                  papers: s.shared_papers, weight: s.shared_papers } });
        }
        edge.removeClass("filtered");
        members = members.union(edge);
      });
      cy.elements().addClass("faded");
      members.removeClass("faded").addClass("path");
    });
    cy.animate({ fit: { eles: members, padding: 60 }, duration: 250 });
  }

  // ---- export --------------------------------------------------------------------------

  function download(blob, name) {
    var a = el("a", { href: URL.createObjectURL(blob), download: name });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function exportPng() {
    download(cy.png({ output: "blob", bg: "#ffffff", full: true, scale: 2 }), root.dataset.slug + "-graph.png");
  }

  function exportJson() {
    var visible = cy.elements().not(".filtered");
    var body = {
      researcher: root.dataset.slug,
      exported_at: new Date().toISOString(),
      nodes: visible.nodes().map(function (n) { return { data: n.data(), position: n.position() }; }),
      edges: visible.edges().map(function (e) { return { data: e.data() }; })
    };
    download(new Blob([JSON.stringify(body, null, 2)], { type: "application/json" }), root.dataset.slug + "-graph.json");
  }

  // ---- boot ----------------------------------------------------------------------------

  function setYearBounds() {
    var years = cy.nodes("[type = 'paper']").map(function (n) { return n.data("year"); }).filter(Boolean);
    if (!years.length) return;
    var lo = Math.min.apply(null, years), hi = Math.max.apply(null, years);
    ["year-from", "year-to"].forEach(function (id) { $(id).min = lo; $(id).max = hi; });
    $("year-from").placeholder = lo;
    $("year-to").placeholder = hi;
    var maxShared = cy.edges("[type = 'coauthored']").map(function (e) { return e.data("papers") || 1; });
    $("min-shared").max = Math.max(2, Math.max.apply(null, maxShared.concat([1])));
  }

  function boot() {
    root = $("explorer");
    if (!root || typeof window.cytoscape !== "function") return;
    statusEl = $("graph-status");
    detailsEl = $("details");
    cy = window.cytoscape({ container: $("cy"), style: window.BZGraph.style, wheelSensitivity: 0.3, minZoom: 0.1, maxZoom: 4 });
    window.BZGraph.explorer = { cy: cy, expand: expandNode, applyFilters: applyFilters, select: selectNode, expanded: expanded };

    cy.on("tap", "node", function (evt) { showDetails(evt.target); });
    cy.on("mouseover", "node", function (evt) { evt.target.addClass("hover-label"); });
    cy.on("mouseout", "node", function (evt) { evt.target.removeClass("hover-label"); });
    cy.on("tap", "edge", function (evt) {
      var e = evt.target;
      detailsEl.textContent = "";
      detailsEl.appendChild(el("p", { class: "eyebrow", text: "edge" }));
      detailsEl.appendChild(el("h2", { text: e.data("label") }));
      detailsEl.appendChild(el("p", { class: "small", text: e.source().data("label") + " — " + e.target().data("label") }));
    });
    cy.on("dbltap", "node", function (evt) {
      var url = evt.target.data("url");
      if (url) window.location.href = url;
    });

    var filters = $("graph-filters");
    filters.addEventListener("change", applyFilters);
    $("min-shared").addEventListener("input", applyFilters);
    var searchBox = $("graph-search");
    searchBox.addEventListener("input", function () { search(searchBox.value, false); });
    searchBox.addEventListener("keydown", function (evt) {
      if (evt.key === "Enter") { evt.preventDefault(); search(searchBox.value, true); }
    });
    $("path-form").addEventListener("submit", function (evt) { evt.preventDefault(); findPath(null); });
    $("export-png").addEventListener("click", exportPng);
    $("export-json").addEventListener("click", exportJson);

    var first = true;
    fetchSlice(root.dataset.apiUrl, function (data) {
      var added = merge(data, null);
      var laidOut = added.nonempty();
      if (laidOut) { layout(first); first = false; }
      lastStatusSuffix = data.status === "building" ? " · building the slice, more will appear…" :
        data.status === "failed" ? " · the last build failed; showing what is available" : "";
      expanded[root.dataset.center] = true;
      setYearBounds();
      applyFilters();
      if (laidOut) fitSensibly();
      refreshPeople();
      root.dataset.state = data.status;
      if (data.status === "ready") lastStatusSuffix = "";
    }).then(function (data) {
      if (data && data.status === "ready") {
        var center = cy.getElementById(root.dataset.center);
        if (center.nonempty()) showDetails(center);
      }
    }).catch(function (err) { setStatus("Could not load the graph: " + err.message); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
