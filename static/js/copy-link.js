/* The shared page's "Copy link" button. Without JavaScript (or without the
   clipboard API) the link stays a plain, selectable field and the button stays
   hidden; with it, the button copies the link and says so in a live region,
   so a screen reader hears "Link copied" too. */
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("copy-link");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy-target"));
  var status = document.getElementById("copy-status");
  if (!field || !status || !navigator.clipboard || !window.isSecureContext) return;
  button.hidden = false;
  var clear;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(
      function () { status.textContent = "Link copied"; },
      function () {
        field.select();
        status.textContent = "Copying was not allowed: the link is selected, copy it with your keyboard.";
      }
    );
    clearTimeout(clear);
    clear = setTimeout(function () { status.textContent = ""; }, 6000);
  });
  field.addEventListener("focus", function () { field.select(); });
});
