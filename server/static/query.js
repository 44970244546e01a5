/* The query page: YASGUI on this server's /sparql, with no request to any other host.
 *
 * - the endpoint is /sparql here; the endpoint catalogue lists only it;
 * - nothing is persisted in localStorage (no remembered remote endpoints);
 * - prefix completion reads /query/prefixes.json (the graph's prefixes), not prefix.cc,
 *   and the class/property completers, which ask lov.linkeddata.es, are switched off;
 * - links to the graph's IRIs (under BASE_IRI) in the results open the pages on this server
 *   (under the path of PUBLIC_URL), mapped as server/linking.py maps them;
 * - the editor opens with the project's own query (config.initialQuery, the first example):
 *   a Yasgui tab takes its first query from Yasgui's own config (yasqe.value), not from
 *   Yasqe.defaults, and reads back whatever Yasgui, Yasqe and Yasr persisted in
 *   localStorage; every persistenceId is null, so nothing is read or written there;
 * - the table shows a literal's lexical form, its datatype or language on hover (title),
 *   and lets columns of Chinese names keep their width (site.css).
 */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("query-config").textContent);
  var links = config.links;
  var endpoint = new URL(links.root + "sparql", window.location.href).href;

  function localPath(iri) {
    if (iri.indexOf(links.terms) === 0) {
      return links.root + "ontology/term/" + iri.slice(links.terms.length);
    }
    if (iri === links.ontology) { return links.root + "ontology"; }
    if (iri.indexOf(links.base + "id/") === 0 || iri.indexOf(links.base + "graph/") === 0) {
      return links.root + iri.slice(links.base.length);
    }
    return null;
  }

  function prologue(names) {
    return names.map(function (p) { return "PREFIX " + p + ": <" + config.prefixes[p] + ">"; }).join("\n");
  }

  function qname(iri) {
    for (var p in config.prefixes) {
      var ns = config.prefixes[p];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length) { return p + ":" + iri.slice(ns.length); }
    }
    return iri;
  }

  // A literal as its lexical form; the language or datatype in its title (on hover).
  function plainLiteral(binding) {
    var span = document.createElement("span");
    span.className = "literal";
    span.textContent = binding.value;
    if (binding["xml:lang"]) {
      span.title = "@" + binding["xml:lang"];
      span.lang = binding["xml:lang"];
    } else if (binding.datatype) {
      span.title = qname(binding.datatype);
    }
    return span.outerHTML;
  }

  var table = Yasgui.Yasr.plugins.table;
  if (table && table.prototype.formatLiteral) {
    table.prototype.formatLiteral = plainLiteral;
  }

  var initialQuery = config.initialQuery || prologue(["pkg"]) + "\nSELECT * WHERE { ?s a pkg:PolicyDocument }\n";
  var completers = ["prefixes", "variables"];
  // the prefix completer keeps its list in localStorage under "prefixes": not here
  Object.keys(Yasgui.Yasqe.Autocompleters).forEach(function (name) {
    Yasgui.Yasqe.Autocompleters[name].persistenceId = null;
  });
  Yasgui.Yasqe.defaults.autocompleters = completers.slice();
  Yasgui.Yasqe.defaults.value = initialQuery;
  Yasgui.defaults.yasqe = Object.assign({}, Yasgui.defaults.yasqe, {
    autocompleters: completers.slice(),
    value: initialQuery
  });

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    yasr: { persistenceId: null },
    yasqe: {
      value: initialQuery,
      persistenceId: null,
      autocompleters: completers.slice(),
      prefixCcApi: new URL(links.root + "query/prefixes.json", window.location.href).href,
      resizeable: true,
      editorHeight: "320px"
    }
  });
  window.policykgYasgui = yasgui;

  function run(name, query) {
    var tab = yasgui.getTab();
    tab.setRequestConfig({ endpoint: endpoint });
    tab.setQuery(query);
    if (name) { tab.setName(name); }
    tab.query();
  }

  document.querySelectorAll("a.example").forEach(function (el) {
    el.addEventListener("click", function (event) {
      event.preventDefault();
      var example = config.examples[Number(el.dataset.index)];
      document.querySelectorAll("a.example.active").forEach(function (a) { a.classList.remove("active"); });
      el.classList.add("active");
      run(example.name, example.query);
    });
  });

  // Result links to the graph's IRIs open their pages here instead of w3id.org.
  document.getElementById("yasgui").addEventListener("click", function (event) {
    var anchor = event.target.closest ? event.target.closest("a[href]") : null;
    if (!anchor) { return; }
    var path = localPath(anchor.getAttribute("href"));
    if (path) {
      event.preventDefault();
      window.location.href = path;
    }
  }, true);

  if (config.initial) {
    run("query", config.initial);
  } else if (window.location.hash) {
    var wanted = decodeURIComponent(window.location.hash.slice(1));
    var found = config.examples.filter(function (e) { return e.name === wanted; })[0];
    if (found) { run(found.name, found.query); }
  }
})();
