/* The browser's time zone, for sign-up and settings. Without JavaScript the
   account keeps its default zone (UTC) and nothing here is needed.

   - Sign-up: fills the hidden field marked data-browser-timezone.
   - Settings: the hint marked data-timezone-offer (hidden by default) is shown
     when the browser's zone is neither the saved one nor an old name of it
     (data-same-zones on the hint); its button copies the zone into the field. */
(function () {
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
  if (!zone) return;

  document.addEventListener("DOMContentLoaded", function () {
    var fields = document.querySelectorAll("input[data-browser-timezone]");
    for (var i = 0; i < fields.length; i++) fields[i].value = zone;

    var offer = document.querySelector("[data-timezone-offer]");
    if (!offer) return;
    var same = (offer.getAttribute("data-same-zones") || "").split(" ");
    if (same.indexOf(zone) !== -1) return;
    var input = document.getElementById(offer.getAttribute("data-for"));
    var name = offer.querySelector("[data-timezone-name]");
    var use = offer.querySelector("button");
    if (!input || !name || !use) return;
    name.textContent = zone;
    offer.hidden = false;
    use.addEventListener("click", function () {
      input.value = zone;
      offer.hidden = true;
      input.focus();
    });
  });
})();
