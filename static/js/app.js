// The site's only hand-written script. Pages work without it; it adds
// toasts that hide themselves, confirmations and htmx niceties.
(function () {
  "use strict";

  function initToasts(root) {
    root.querySelectorAll(".toast:not([data-initialised])").forEach(function (el) {
      el.setAttribute("data-initialised", "");
      var autohide = el.dataset.autohide !== "false";
      var delay = Number(el.dataset.delay) || 6000;  // a drag's toast lasts as long as its Undo
      window.bootstrap.Toast.getOrCreateInstance(el, { autohide: autohide, delay: delay }).show();
      el.addEventListener("hidden.bs.toast", function () { el.remove(); });
    });
  }

  // Forms marked data-confirm="Question?" ask once before a destructive action.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Buttons marked data-insert="text" data-insert-into="<textarea id>" type the text at the
  // cursor (the email template editor's variable picker), then let htmx preview it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-insert]");
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-insert-into"));
    if (!field) { return; }
    var text = button.getAttribute("data-insert");
    var start = field.selectionStart || 0;
    var end = field.selectionEnd || 0;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.focus();
    field.selectionStart = field.selectionEnd = start + text.length;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });

  // Selects marked data-autosubmit submit their form when changed.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("[data-autosubmit]") && el.form) {
      el.form.requestSubmit();
    }
  });

  // Lists marked data-sortable="<form id>" reorder by drag-and-drop, then
  // submit that form: its inputs follow the items in their new order.
  function initSortables(root) {
    if (!window.Sortable) { return; }
    root.querySelectorAll("[data-sortable]").forEach(function (list) {
      if (list.sortable) { return; }
      list.sortable = window.Sortable.create(list, {
        handle: ".drag-handle",
        animation: 150,
        onEnd: function (event) {
          if (event.oldIndex !== event.newIndex) {
            document.getElementById(list.dataset.sortable).requestSubmit();
          }
        }
      });
    });
  }

  // Board columns: cards drag within and between columns. htmx posts the receiving
  // column (data-hx-trigger="add, update"); the answer swaps in what changed.
  function initBoard(root) {
    if (!window.Sortable) { return; }
    root.querySelectorAll("[data-board-column]").forEach(function (column) {
      if (column.sortable) { return; }
      column.sortable = window.Sortable.create(column, {
        group: "board",
        draggable: ".board-card",
        filter: "input, button, summary, a, .move-menu-items",
        preventOnFilter: false,
        animation: 150,
        ghostClass: "board-card-ghost"
      });
    });
  }

  // "Move to…" menus: the board sends its stages once (template#move-targets); a card's
  // menu gets them as buttons when it opens, less the card's own stage. Without this
  // script the menu links to the candidate page, whose stage picker moves the card.
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    var targets = document.getElementById("move-targets");
    if (!menu.matches("details[data-move-url]") || !menu.open || !targets || menu.hasAttribute("data-filled")) { return; }
    var items = menu.querySelector(".move-menu-items");
    items.replaceChildren();
    targets.content.querySelectorAll("button").forEach(function (button) {
      if (button.value === menu.dataset.stage) { return; }
      var copy = button.cloneNode(true);
      copy.setAttribute("formaction", menu.dataset.moveUrl);
      items.appendChild(copy);
    });
    menu.setAttribute("data-filled", "");
  }, true);  // toggle does not bubble: listen while it goes down

  function init(root) {
    initToasts(root);
    initSortables(root);
    initBoard(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    // After a failed submission, take keyboard and screen-reader users to the summary of errors.
    var summary = document.getElementById("form-errors");
    if (summary) { summary.focus(); }
  });
  // Out-of-band toasts land outside the swapped element, so look at the whole page.
  document.addEventListener("htmx:afterSettle", function () { init(document); });
})();
