/*
 * Accessibility repairs for markup that the theme and docutils write.
 *
 * The built-site tests run axe-core on every page (tests/site/). The problems
 * below come from upstream templates and libraries, not from the book's
 * content; each repair gives assistive technology the names and roles the
 * page means, and changes nothing visible. Jupyter Book adds every `_static/*.js`
 * file to each page.
 *
 * 1. pydata-sphinx-theme's search button has the visible text "Search Ctrl+K"
 *    but the accessible name "Search" (aria-label). WCAG 2.5.3 "Label in
 *    Name" (axe: label-content-name-mismatch) wants the visible text inside
 *    the name, so the aria-label goes and the button is named by its text
 *    (its title, "Search", still names it when the text is hidden on narrow
 *    screens).
 * 2. The theme's colour-mode button is named "Color mode" while its visible
 *    icon is titled "Light", "Dark" or "System Settings". It is renamed
 *    "Color mode: <current mode>", kept in step when the reader switches.
 * 3. docutils writes the bibliography as role="list" whose entries have the
 *    deprecated DPUB role "doc-biblioentry", so the list has no list items
 *    (axe: aria-required-children, critical). The entries become list items.
 * 4. myst-nb names the toggle of a hidden code cell "Toggle hidden content"
 *    while it shows "Show code cell source" (label-content-name-mismatch):
 *    the toggle is named by the text it shows.
 * 5. Sphinx's module index shows its collapse toggles as images with the alt
 *    text "-"; they are given the name of what they do.
 *
 * And for the Jupyter widgets that the widget manager draws on the page
 * (ipywidgets 8.1 with @jupyter-widgets/html-manager 1.0):
 *
 * 6. A slider's handle (role="slider") is not tied to the slider's visible
 *    description, so it has no accessible name even when the author set
 *    `description=` (axe: aria-input-field-name). It is labelled by that
 *    description. A slider without a description stays unnamed: the tests
 *    report it, and the author must add one.
 * 7. The Play widget's buttons show only an icon (axe: button-name). They are
 *    named after what they do.
 * 8. Labels whose tooltip is unset carry title="null", which the browser shows
 *    as a "null" tooltip; the attribute is removed.
 */
(function () {
  "use strict";

  var MODE_NAMES = { light: "Light", dark: "Dark", auto: "System Settings" };

  function fixSearchButtons() {
    document.querySelectorAll("button.search-button__button[aria-label]").forEach(
      function (button) {
        if (button.textContent.trim()) {
          button.removeAttribute("aria-label");
        }
      }
    );
  }

  function modeTitle(button, mode) {
    var icon = button.querySelector('[data-mode="' + mode + '"]');
    var title = icon && (icon.getAttribute("title") ||
                         (icon.querySelector("title") || {}).textContent);
    return title || MODE_NAMES[mode] || mode;
  }

  function fixModeButtons() {
    var mode = document.documentElement.dataset.mode || "auto";
    document.querySelectorAll("button.theme-switch-button").forEach(function (button) {
      button.setAttribute("aria-label", "Color mode: " + modeTitle(button, mode));
    });
  }

  function fixBibliography() {
    document.querySelectorAll('[role="list"] > [role="doc-biblioentry"]').forEach(
      function (entry) {
        entry.setAttribute("role", "listitem");
      }
    );
  }

  var nextId = 0;
  var ICON_NAMES = { play: "Play", pause: "Pause", stop: "Stop", retweet: "Repeat" };

  function labelSliderHandles() {
    document.querySelectorAll('.jupyter-widgets [role="slider"]').forEach(function (handle) {
      if (handle.hasAttribute("aria-label") || handle.hasAttribute("aria-labelledby")) {
        return;
      }
      var widget = handle.closest(".widget-slider");
      var label = widget && widget.querySelector(":scope > label.widget-label");
      if (!label || label.style.display === "none" || !label.textContent.trim()) {
        return;
      }
      if (!label.id) {
        label.id = "widget-label-" + nextId++;
      }
      handle.setAttribute("aria-labelledby", label.id);
    });
  }

  function nameIconButtons() {
    document.querySelectorAll(".widget-play button").forEach(function (button) {
      if (button.textContent.trim() || button.hasAttribute("aria-label")) {
        return;
      }
      var icon = button.querySelector("[data-icon]");
      var name = icon ? icon.getAttribute("data-icon") : null;
      if (!name) {
        var i = button.querySelector("i[class*='fa-']");
        var match = i && i.className.match(/\bfa-([a-z-]+)/);
        name = match ? match[1] : null;
      }
      if (name && ICON_NAMES[name]) {
        button.setAttribute("aria-label", ICON_NAMES[name]);
      }
    });
  }

  function dropNullTitles() {
    document.querySelectorAll('.jupyter-widgets [title="null"]').forEach(function (el) {
      el.removeAttribute("title");
    });
  }

  var widgetFixPending = false;
  function fixWidgets() {
    if (widgetFixPending) {
      return;
    }
    widgetFixPending = true;
    Promise.resolve().then(function () {
      widgetFixPending = false;
      labelSliderHandles();
      nameIconButtons();
      dropNullTitles();
    });
  }

  function fixHiddenCellToggles() {
    document.querySelectorAll("details > summary[aria-label]").forEach(function (summary) {
      if (summary.getAttribute("aria-label") === "Toggle hidden content" &&
          summary.textContent.trim()) {
        summary.removeAttribute("aria-label");
      }
    });
  }

  function fixModuleIndexToggles() {
    document.querySelectorAll("table.modindextable img.toggler").forEach(function (img) {
      img.setAttribute("alt", "Show or hide the modules of this package");
    });
  }

  function run() {
    fixSearchButtons();
    fixModuleIndexToggles();
    fixModeButtons();
    fixBibliography();
    fixHiddenCellToggles();
    new MutationObserver(fixModeButtons).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ["data-mode"],
    });
    // Widgets are drawn after the page has loaded: fix them as they appear.
    if (document.querySelector('script[type="application/vnd.jupyter.widget-view+json"]')) {
      new MutationObserver(fixWidgets).observe(document.body, {
        childList: true,
        subtree: true,
      });
      fixWidgets();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
