/* The plan page's milestone rows are <details>: a link to one (#m-slug, from
   "Next", a nudge or the redirect after a plain POST) opens its row, so the
   panel it points at is shown, not just scrolled to. Without JavaScript the
   rows still open with a click or Enter; the page works as it is. */
(function () {
  function reveal() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    if (!target) return;
    var details = target.matches("details") ? target : target.querySelector(":scope > details");
    for (var node = details || target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    // A settled milestone is folded behind the filter: show the settled ones too.
    var filter = document.getElementById("show-settled");
    if (filter && target.classList.contains("is-settled")) filter.checked = true;
    target.scrollIntoView();
  }
  document.addEventListener("DOMContentLoaded", reveal);
  window.addEventListener("hashchange", reveal);
})();

/* A change swaps in, out of band, the panels it may alter (a choice group's
   other options, what needs it first): each keeps the open or closed state
   its row had, so a panel the person opened does not fold away under them. */
document.addEventListener("htmx:oobBeforeSwap", function (event) {
  var target = event.detail.target;
  var fragment = event.detail.fragment;
  if (!target.classList || !target.classList.contains("panel") || !fragment.querySelector) return;
  var before = target.querySelector(":scope > details");
  var after = fragment.querySelector(".panel > details");
  if (before && after) after.open = before.open;
});
