/*
 * MathJax 2 compatibility for the Jupyter widget manager on MathJax 3 pages.
 *
 * The book typesets its formulas with MathJax 3. The widget manager that
 * renders the saved ipywidgets on a static page (@jupyter-widgets/html-manager)
 * typesets widget labels with the MathJax 2 call
 *     MathJax.Hub.Queue(["Typeset", MathJax.Hub, element])
 * whenever `window.MathJax` exists, and so throws "Cannot read properties of
 * undefined (reading 'Queue')" on every page that has both formulas and widgets:
 * the widgets' labels are left untypeset and the rest of the widget's view may
 * not be built. This file gives MathJax 3 a small `MathJax.Hub.Queue` that
 * does the same job through MathJax 3's `typesetPromise`, so the widget
 * labels are typeset like the rest of the page (their $...$ delimiters are
 * converted for MathJax 3 on the way).
 *
 * Jupyter Book adds every file in `_static/*.js` to each page (after Sphinx's
 * `window.MathJax = {...}` configuration, before MathJax itself runs), so no
 * configuration is needed. On pages without formulas MathJax is not loaded,
 * `window.MathJax` is undefined, and the widget manager does not call it.
 */
(function () {
  "use strict";

  // Widget descriptions are written with Jupyter's delimiters, $...$ and
  // $$...$$, which Jupyter's MathJax 2 configuration accepts. The book's MathJax 3
  // accepts \(...\) and \[...\] only (a literal $ in prose stays a dollar), so
  // the delimiters are converted inside the element being typeset, and only there.
  function useMathJax3Delimiters(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      var text = node.nodeValue;
      if (text.indexOf("$") < 0) {
        continue;
      }
      node.nodeValue = text
        .replace(/\$\$([^$]+?)\$\$/g, "\\[$1\\]")
        .replace(/(^|[^\\])\$([^$\n]+?)\$/g, "$1\\($2\\)");
    }
  }

  // Run the MathJax 2 queue items in order, each after the previous one.
  function makeHub(mathjax) {
    var chain = mathjax.startup && mathjax.startup.promise
      ? mathjax.startup.promise
      : Promise.resolve();
    var hub = {
      Queue: function () {
        var items = Array.prototype.slice.call(arguments);
        items.forEach(function (item) {
          chain = chain.then(function () {
            if (typeof item === "function") {
              return item();
            }
            if (Array.isArray(item) && item[0] === "Typeset") {
              // ["Typeset", MathJax.Hub, element-or-id-or-undefined]
              var target = item[2];
              if (typeof target === "string") {
                target = document.getElementById(target);
              }
              if (target) {
                useMathJax3Delimiters(target);
              }
              var elements = target ? [target] : undefined;
              if (mathjax.typesetClear) {
                mathjax.typesetClear(elements);
              }
              return mathjax.typesetPromise(elements);
            }
            throw new Error("mathjax2-shim: unsupported MathJax.Hub.Queue item " +
                            JSON.stringify(item));
          }).catch(function (error) {
            console.error("mathjax2-shim: typesetting failed:", error);
          });
        });
        return chain;
      },
    };
    return hub;
  }

  function install() {
    var mathjax = window.MathJax;
    if (mathjax && mathjax.version && !mathjax.Hub) {
      mathjax.Hub = makeHub(mathjax);
    }
  }

  var config = window.MathJax;
  if (config === undefined) {
    return; // no formulas on this page: MathJax is not loaded
  }
  if (config.version) {
    install(); // MathJax 3 already loaded
    return;
  }
  // MathJax 3 has not run yet: `window.MathJax` is its configuration. Add the
  // Hub once MathJax is ready, keeping any `ready` function already configured.
  config.startup = config.startup || {};
  var previousReady = config.startup.ready;
  config.startup.ready = function () {
    if (typeof previousReady === "function") {
      previousReady();
    } else {
      window.MathJax.startup.defaultReady();
    }
    install();
  };
})();
