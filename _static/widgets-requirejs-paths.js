/*
 * Tell RequireJS where the Jupyter widget manager lives, so that its fonts load.
 *
 * The widget manager (@jupyter-widgets/html-manager, embed-amd.js) defines its
 * modules by name and finds its own files (the FontAwesome fonts of the widget
 * icons) relative to where RequireJS believes the module is. Without a path
 * RequireJS places it under the page's folder, and every widget page asks for
 * `<page folder>/@jupyter-widgets/<hash>.woff2` and the like: 404s and no icons.
 * Mapping the modules to the CDN folder of the same release fixes the fonts'
 * URLs.
 *
 * The book lists this file in `nb_ipywidgets_js` (_config.yml) between
 * require.js and embed-amd.js, with the CDN folder in the attribute
 * `data-html-manager`; so it runs after RequireJS exists and before the widget
 * manager resolves its modules. Jupyter Book also adds every `_static/*.js` to
 * each page, where this script finds no `data-html-manager` and does nothing.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script && script.getAttribute("data-html-manager");
  if (!base || typeof window.requirejs !== "function") {
    return;
  }
  base = base.replace(/\/+$/, "");
  // embed-amd.js defines these modules itself; each finds its files next to
  // the URL RequireJS gives it, so each gets a URL in the CDN folder.
  var bundled = [
    "@jupyter-widgets/base",
    "@jupyter-widgets/base7",
    "@jupyter-widgets/controls",
    "@jupyter-widgets/controls7",
    "@jupyter-widgets/html-manager",
  ];
  var paths = { "@jupyter-widgets/html-manager/dist": base };
  bundled.forEach(function (name) {
    paths[name] = base + "/embed-amd";
  });
  window.requirejs.config({ paths: paths });
})();
