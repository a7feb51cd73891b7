/* Light/dark theme: follows the system unless the person chose one, which is
   remembered in localStorage. Loaded in <head> without defer, so the chosen
   theme is set before the first paint (no flash).

   The toggle's name says both the theme in use and what pressing it does
   ("Dark theme on: switch to light theme"); its visible text is the theme in
   use, which that name contains (WCAG 2.5.3, label in name). */
(function () {
  var KEY = "careerplan-theme";
  var root = document.documentElement;
  var stored = null;
  try { stored = localStorage.getItem(KEY); } catch (e) { /* storage blocked: follow the system */ }
  if (stored === "light" || stored === "dark") root.setAttribute("data-theme", stored);

  function current() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) return chosen;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function label(button) {
    var dark = current() === "dark";
    var name = dark ? "Dark theme on: switch to light theme" : "Light theme on: switch to dark theme";
    button.setAttribute("aria-label", name);
    button.title = name;
    button.querySelector(".theme-icon").textContent = dark ? "\u263E" : "\u2600";
    button.querySelector(".theme-text").textContent = dark ? "Dark" : "Light";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    button.hidden = false;
    label(button);
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem(KEY, next); } catch (e) { /* not remembered, still applied */ }
      label(button);
      var live = document.getElementById("live-status");
      if (live) live.textContent = next === "dark" ? "Dark theme on." : "Light theme on.";
    });
  });
})();
