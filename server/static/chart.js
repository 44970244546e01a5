/* The query page's Chart view: a YASR result plugin that draws the numeric columns of a
 * SELECT answer as horizontal bars, in SVG made here (no chart library, no other host).
 *
 * - it offers itself when at least one column holds numbers (xsd numeric literals) in
 *   every row that binds it;
 * - one group of bars a row, in the answer's order (the query's ORDER BY), one bar per
 *   numeric column, labelled by a column the reader picks (a literal one by default);
 * - the first MAX_ROWS rows are drawn and the rest counted;
 * - the chart downloads as an SVG file.
 */
(function () {
  "use strict";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "long", "int", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"];
  var COLOURS = ["#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#718096"];
  var MAX_ROWS = 60;
  var BAR = 16, GAP = 8, LABEL_WIDTH = 260, PLOT_WIDTH = 520, VALUE_WIDTH = 60;

  function isNumber(term) {
    return !!term && term.type !== "uri" && term.type !== "bnode" && !!term.datatype &&
      NUMERIC.indexOf(term.datatype.replace(XSD, "")) >= 0 && isFinite(Number(term.value));
  }

  function numericColumns(variables, bindings) {
    return variables.filter(function (v) {
      var bound = bindings.filter(function (b) { return b[v]; });
      return bound.length > 0 && bound.every(function (b) { return isNumber(b[v]); });
    });
  }

  function shortName(term) {
    if (!term) { return ""; }
    if (term.type !== "uri") { return term.value; }
    var value = decodeURIComponent(term.value);
    return value.slice(Math.max(value.lastIndexOf("#"), value.lastIndexOf("/")) + 1) || value;
  }

  function svgElement(name, attributes, text) {
    var el = document.createElementNS(SVG_NS, name);
    Object.keys(attributes).forEach(function (key) { el.setAttribute(key, attributes[key]); });
    if (text !== undefined) { el.textContent = text; }
    return el;
  }

  function Chart(yasr) {
    this.yasr = yasr;
    this.priority = 5; // below the table: the table stays the first view
    this.label = "Chart";
    this.svg = null;
    this.persistentConfig = {};
  }

  Chart.prototype.canHandleResults = function () {
    var results = this.yasr.results;
    if (!results || !results.getBindings) { return false; }
    var bindings = results.getBindings();
    return !!bindings && bindings.length > 0 &&
      numericColumns(results.getVariables(), bindings).length > 0;
  };

  Chart.prototype.getIcon = function () {
    var icon = svgElement("svg", { viewBox: "0 0 16 16", width: "14", height: "14" });
    [[1, 2, 9], [1, 7, 13], [1, 12, 6]].forEach(function (bar) {
      icon.appendChild(svgElement("rect", { x: bar[0], y: bar[1], width: bar[2], height: 3,
        fill: "currentColor" }));
    });
    return icon;
  };

  Chart.prototype.labelColumn = function (variables, numbers, bindings) {
    var others = variables.filter(function (v) { return numbers.indexOf(v) < 0; });
    if (others.indexOf(this.persistentConfig.label) >= 0) { return this.persistentConfig.label; }
    var literal = others.filter(function (v) {
      return bindings.some(function (b) { return b[v] && b[v].type !== "uri"; });
    })[0];
    return literal || others[0] || null;
  };

  Chart.prototype.controls = function (variables, numbers, label) {
    var self = this;
    var form = document.createElement("div");
    form.className = "policykg-chart-controls";
    var caption = document.createElement("label");
    caption.textContent = "标签 Labels: ";
    var select = document.createElement("select");
    select.className = "policykg-chart-label";
    variables.filter(function (v) { return numbers.indexOf(v) < 0; }).forEach(function (v) {
      var option = document.createElement("option");
      option.value = v;
      option.textContent = "?" + v;
      option.selected = v === label;
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      self.persistentConfig.label = select.value;
      self.yasr.storePluginConfig("chart", self.persistentConfig);
      self.draw(self.persistentConfig);
    });
    caption.appendChild(select);
    if (select.options.length) { form.appendChild(caption); }
    return form;
  };

  Chart.prototype.chart = function (rows, numbers, label) {
    var largest = 0;
    rows.forEach(function (b) {
      numbers.forEach(function (v) { if (b[v]) { largest = Math.max(largest, Number(b[v].value)); } });
    });
    var group = numbers.length * BAR + GAP;
    var legend = 24;
    var width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH;
    var svg = svgElement("svg", { xmlns: SVG_NS, class: "policykg-chart", width: width,
      height: legend + rows.length * group + GAP, viewBox: "0 0 " + width + " " +
      (legend + rows.length * group + GAP), role: "img",
      "font-family": "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif", "font-size": "12" });
    numbers.forEach(function (v, i) {
      svg.appendChild(svgElement("rect", { x: LABEL_WIDTH + i * 120, y: 6, width: 10, height: 10,
        fill: COLOURS[i % COLOURS.length] }));
      svg.appendChild(svgElement("text", { x: LABEL_WIDTH + i * 120 + 14, y: 15 }, "?" + v));
    });
    rows.forEach(function (b, r) {
      var top = legend + r * group;
      var name = label ? shortName(b[label]) : String(r + 1);
      var text = svgElement("text", { x: LABEL_WIDTH - 6, y: top + numbers.length * BAR / 2 + 4,
        "text-anchor": "end", class: "policykg-chart-row" },
        name.length > 28 ? name.slice(0, 27) + "…" : name);
      text.appendChild(svgElement("title", {}, name));
      svg.appendChild(text);
      numbers.forEach(function (v, i) {
        if (!b[v]) { return; }
        var value = Number(b[v].value);
        var length = largest > 0 ? Math.max(0, value) / largest * PLOT_WIDTH : 0;
        var bar = svgElement("rect", { x: LABEL_WIDTH, y: top + i * BAR, width: length.toFixed(1),
          height: BAR - 2, fill: COLOURS[i % COLOURS.length], class: "policykg-chart-bar" });
        bar.appendChild(svgElement("title", {}, name + " ?" + v + " = " + b[v].value));
        svg.appendChild(bar);
        svg.appendChild(svgElement("text", { x: LABEL_WIDTH + length + 4, y: top + i * BAR + BAR - 5 },
          b[v].value));
      });
    });
    return svg;
  };

  Chart.prototype.draw = function (persistentConfig) {
    this.persistentConfig = Object.assign({}, this.persistentConfig, persistentConfig || {});
    var results = this.yasr.results;
    var variables = results.getVariables();
    var bindings = results.getBindings();
    var numbers = numericColumns(variables, bindings);
    var label = this.labelColumn(variables, numbers, bindings);
    var rows = bindings.slice(0, MAX_ROWS);
    var box = document.createElement("div");
    box.className = "policykg-chart-box";
    box.appendChild(this.controls(variables, numbers, label));
    this.svg = this.chart(rows, numbers, label);
    box.appendChild(this.svg);
    if (bindings.length > rows.length) {
      var note = document.createElement("p");
      note.className = "policykg-chart-note";
      note.textContent = "前 " + rows.length + " 行，共 " + bindings.length + " 行 (the first " +
        rows.length + " of " + bindings.length + " rows)";
      box.appendChild(note);
    }
    this.yasr.resultsEl.innerHTML = "";
    this.yasr.resultsEl.appendChild(box);
  };

  Chart.prototype.download = function () {
    var svg = this.svg;
    if (!svg) { return undefined; }
    return {
      getData: function () { return new XMLSerializer().serializeToString(svg); },
      contentType: "image/svg+xml",
      title: "Download the chart (SVG)",
      filename: "policykg-chart.svg"
    };
  };

  Yasgui.Yasr.registerPlugin("chart", Chart);
})();
