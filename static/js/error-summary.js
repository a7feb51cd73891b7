/* A page that comes back with an error summary moves focus to it, so a
   screen reader announces the problems first and the keyboard starts there.
   Without JavaScript the summary is still the first thing on the page. */
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary && !summary.hidden) summary.focus();
});
