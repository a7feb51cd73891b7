/* The track editor's ladder, grouped by career level (tracker.admin.LadderStepInline).
   The rows arrive level by level; this heads each level's rows with its name
   and, when a step is dragged under another level's heading, moves it into
   that level (its "Level" menu changes, and saving keeps it). Without
   JavaScript the rows are still in level order with the level in each row. */
(function () {
  "use strict";

  function levelOf(row) {
    var select = row.querySelector("td.field-level select");
    if (!select) return null;
    var option = select.options[select.selectedIndex];
    return { value: select.value, title: select.value && option ? option.text : "No career level" };
  }

  function rows(tbody) {
    return Array.prototype.filter.call(tbody.querySelectorAll("tr.form-row"), function (row) {
      return !row.classList.contains("empty-form");
    });
  }

  function heading(level, columns) {
    var tr = document.createElement("tr");
    tr.className = "level-heading";
    tr.setAttribute("data-level", level.value);
    var th = document.createElement("th");
    th.colSpan = columns;
    th.scope = "colgroup";
    th.textContent = level.title;
    tr.appendChild(th);
    return tr;
  }

  // A step dropped under another level's heading joins that level.
  function adoptLevels(tbody) {
    var current = null;
    Array.prototype.forEach.call(tbody.children, function (tr) {
      if (tr.classList.contains("level-heading")) {
        current = tr.getAttribute("data-level");
        return;
      }
      if (current === null || !tr.classList.contains("has_original")) return;
      var select = tr.querySelector("td.field-level select");
      if (select && select.value !== current) {
        select.value = current;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function drawHeadings(tbody) {
    Array.prototype.forEach.call(tbody.querySelectorAll("tr.level-heading"), function (tr) { tr.remove(); });
    var columns = tbody.closest("table").querySelectorAll("thead th").length;
    var previous;
    rows(tbody).forEach(function (row) {
      var level = levelOf(row);
      if (level === null) return;
      if (previous === undefined || previous !== level.value) {
        row.parentNode.insertBefore(heading(level, columns), row);
      }
      previous = level.value;
    });
  }

  // Keyboard moves: SortableJS drags with a pointer only, so each row gets
  // "Move up" and "Move down" buttons that do what a drop does.
  function renumber(tbody) {
    tbody.querySelectorAll("tr.has_original input._reorder_").forEach(function (input, index) {
      input.value = String(index + 1);
    });
  }

  function move(tbody, row, step) {
    var all = Array.prototype.slice.call(tbody.querySelectorAll("tr.has_original"));
    var index = all.indexOf(row);
    var other = all[index + step];
    if (!other) return;
    // Over a level heading first: moving up from a level's first row, or down
    // from its last, takes the step into the next level without moving it past a step.
    var between = step < 0 ? row.previousElementSibling : row.nextElementSibling;
    if (between && between.classList.contains("level-heading")) {
      if (step < 0) between.before(row); else between.after(row);
    } else if (step < 0) {
      other.before(row);
    } else {
      other.after(row);
    }
    renumber(tbody);
  }

  function addMoveButtons(tbody) {
    tbody.querySelectorAll("tr.has_original td.original p").forEach(function (cell) {
      if (cell.querySelector(".step-move")) return;
      var title = cell.querySelector(".visually-hidden");
      var name = title ? title.textContent.trim() : "this step";
      [["up", -1, "Move up"], ["down", 1, "Move down"]].forEach(function (spec) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "step-move step-move-" + spec[0];
        button.textContent = spec[0] === "up" ? "\u2191" : "\u2193";
        button.setAttribute("aria-label", spec[2] + ": " + name);
        button.title = spec[2];
        button.addEventListener("click", function () {
          move(tbody, cell.closest("tr"), spec[1]);
          button.focus();
        });
        cell.appendChild(button);
      });
    });
  }

  window.addEventListener("load", function () {
    var group = document.getElementById("steps-group");
    var tbody = group && group.querySelector("table tbody");
    if (!tbody || !tbody.querySelector("td.field-level select")) return;
    var busy = false;
    function refresh(adopt) {
      if (busy) return;
      busy = true;
      if (adopt) adoptLevels(tbody);
      drawHeadings(tbody);
      observer.takeRecords();
      busy = false;
    }
    // A row moved by a drag (or added) changes the table's rows: adopt, then redraw.
    var observer = new MutationObserver(function () { refresh(true); });
    addMoveButtons(tbody);
    refresh(false);
    observer.observe(tbody, { childList: true });
    tbody.addEventListener("change", function (event) {
      if (event.target.matches("td.field-level select")) refresh(false);
    });
  });
})();
