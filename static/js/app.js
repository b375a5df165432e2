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
    var again = targets.content.querySelector(".move-again");  // "Send again", after the stages
    if (again) { items.appendChild(again.cloneNode(true)); }
    var reject = targets.content.querySelector(".move-menu-reject");
    var card = menu.closest("[data-application]");
    if (reject && card && !menu.hasAttribute("data-closed")) {
      var link = reject.cloneNode(true);
      link.href = link.getAttribute("href").replace("/0/", "/" + card.dataset.application + "/");
      link.setAttribute("data-hx-get", link.getAttribute("href"));
      items.appendChild(link);
      htmx.process(link);
    }
    menu.setAttribute("data-filled", "");
  }, true);  // toggle does not bubble: listen while it goes down

  // Dialogs (templates/pipeline/automation/*_modal.html) arrive in #dialog-slot by htmx, marked
  // data-autoshow: open each once, as a modal (focus moves in, Escape closes it), and take it out of
  // the page once closed, giving focus back to what opened it. Without this script each is a page.
  var opener = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    var elt = event.detail.elt;
    if (target && target.id === "dialog-slot" && elt !== target && !elt.closest("dialog")) { opener = elt; }
  });
  function initDialogs(root) {
    var slot = document.getElementById("dialog-slot");
    if (opener && slot && !slot.querySelector("dialog")) {  // answered: the dialog's slot was emptied
      if (document.body.contains(opener)) { opener.focus(); }
      opener = null;
    }
    root.querySelectorAll("dialog[data-autoshow]:not([data-initialised])").forEach(function (dialog) {
      dialog.setAttribute("data-initialised", "");
      dialog.addEventListener("close", function () {
        dialog.remove();
        if (opener && document.body.contains(opener)) { opener.focus(); }
        opener = null;
      });
      if (!dialog.open) { dialog.showModal(); }
    });
  }

  // Forms marked data-js-flag post js=1: after a move that left an email waiting, the server sends
  // the person back to their page, which opens the confirm dialog (without this script, the form's page).
  function flagForms(root) {
    root.querySelectorAll("form[data-js-flag]:not([data-flagged])").forEach(function (form) {
      form.setAttribute("data-flagged", "");
      var flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "js";
      flag.value = "1";
      form.appendChild(flag);
    });
  }

  function init(root) {
    flagForms(root);
    initToasts(root);
    initSortables(root);
    initBoard(root);
    initDialogs(root);
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

// ---- Copy buttons (issue 16: the candidate's status link) ------------------------------------
// <button data-copy="<input id>" hidden> copies that field's value. Hidden until this script shows
// it where the clipboard API exists; without it the readonly field (data-select-on-focus) is
// selected whole on focus, ready for the keyboard's copy.
(function () {
  "use strict";

  function showCopyButtons() {
    if (!navigator.clipboard) { return; }
    document.querySelectorAll("button[data-copy][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("input[data-select-on-focus]")) { event.target.select(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    navigator.clipboard.writeText(field.value).then(function () {
      var label = button.querySelector("[data-copy-label]");
      if (label) {
        label.textContent = "Copied";
        window.setTimeout(function () { label.textContent = "Copy"; }, 2000);
      }
    }, function () { field.select(); });
  });
  document.addEventListener("DOMContentLoaded", showCopyButtons);
  document.addEventListener("htmx:afterSettle", showCopyButtons);
})();

// ---- Live updates ---------------------------------------------------------------------------
// <body data-live="/ws/live/"> (notifications.context_processors.live): one socket per tab that
// carries only events; each page re-fetches what changed through its normal, permission-checked
// views. Events reach the page as DOM events on <body>:
//   ats:unread   the signed-in member's unread count changed (the bell re-fetches it)
//   ats:columns  {job, stages}: those columns of that job's board changed
//   ats:poll     no socket (no Redis), or it was down: re-fetch everything shown. Every 15 s while
//                the tab is visible, once when it becomes visible, and once on a reconnect.
(function () {
  "use strict";

  var POLL_MS = 15000;
  var FIRST_RETRY_MS = 1000;
  var LAST_RETRY_MS = 60000;

  function dispatch(name, detail) {
    document.body.dispatchEvent(new CustomEvent(name, { bubbles: true, detail: detail || {} }));
  }

  function liveBoard() { return document.getElementById("board"); }

  function connect(path) {
    var retry = FIRST_RETRY_MS;
    var reconnecting = false;

    function open() {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      var socket = new WebSocket(scheme + window.location.host + path);
      socket.addEventListener("open", function () {
        retry = FIRST_RETRY_MS;
        // <body data-live-state>: "open", then "subscribed" once a board's job is heard (tests wait on it).
        document.body.dataset.liveState = "open";
        var board = liveBoard();
        if (board && board.dataset.liveJob) {
          socket.send(JSON.stringify({ subscribe: Number(board.dataset.liveJob) }));
        }
        // Events sent while the socket was down are lost: fetch what they would have said.
        if (reconnecting) { dispatch("ats:poll"); }
      });
      socket.addEventListener("message", function (event) {
        var data;
        try { data = JSON.parse(event.data); } catch (error) { return; }
        if (data.type === "subscribed" || data.type === "refused") {
          document.body.dataset.liveState = data.type;
        } else if (data.type === "unread") {
          dispatch("ats:unread");
        } else if (data.type === "columns") {
          dispatch("ats:columns", { job: data.job, stages: data.stages });
        }
      });
      // Closed by a restart, the network, or the server (signed out): try again, later each time,
      // with jitter, so a restarted server is not met by every tab at once.
      socket.addEventListener("close", function () {
        document.body.dataset.liveState = "closed";
        reconnecting = true;
        window.setTimeout(open, retry * (0.5 + Math.random()));
        retry = Math.min(retry * 2, LAST_RETRY_MS);
      });
    }

    open();
  }

  function poll() {
    window.setInterval(function () {
      if (document.visibilityState === "visible") { dispatch("ats:poll"); }
    }, POLL_MS);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { dispatch("ats:poll"); }
    });
  }

  // The board re-fetches changed columns (all of them on a poll) through its own view, under its
  // current filters (the page's query string), each keeping the cards it shows. Held back while a
  // card is dragged or the board has a request out (a drop being saved, a filter being applied:
  // their answers would race it), and for a column whose "Move to…" menu is open; then sent once.
  var pending = {};  // stage id -> true, waiting for a refresh
  var dragging = false;
  var busy = 0;

  function columnsOf(board) { return Array.prototype.slice.call(board.querySelectorAll("[data-board-column]")); }

  function boardFilters() {
    var params = new URLSearchParams(window.location.search);
    ["more", "count", "columns"].forEach(function (name) { params.delete(name); });
    return params;
  }

  function queueColumns(stages) {
    stages.forEach(function (id) { pending[String(id)] = true; });
    refreshColumns();
  }

  function refreshColumns() {
    var board = liveBoard();
    if (!board || dragging || busy) { return; }
    var columns = columnsOf(board);
    var shown = columns.map(function (column) { return column.dataset.stage; });
    Object.keys(pending).forEach(function (id) { if (shown.indexOf(id) < 0) { delete pending[id]; } });  // not on this board
    var wanted = columns.filter(function (column) {
      return pending[column.dataset.stage] && !column.querySelector("details[open]");
    });
    if (!wanted.length) { return; }
    wanted.forEach(function (column) { delete pending[column.dataset.stage]; });
    var params = boardFilters();
    var filters = params.toString();
    params.set("columns", wanted.map(function (column) {
      return column.dataset.stage + ":" + column.querySelectorAll(".board-card").length;
    }).join(","));
    var kept = keepState(board);
    var request = window.htmx.ajax("GET", board.dataset.liveUrl + "?" + params.toString(), { source: board, swap: "none" });
    board.liveFilters = filters;  // an answer for filters no longer shown is dropped (htmx:beforeSwap)
    request.then(function () { kept.restore(); });
  }

  // What a swapped column would lose: its scroll, the ticked cards, the focused card.
  function keepState(board) {
    var scrolls = {};
    columnsOf(board).forEach(function (column) { scrolls[column.dataset.stage] = column.scrollTop; });
    var ticked = Array.prototype.map.call(
      document.querySelectorAll('input[name="selected"][form="bulk-form"]:checked'),
      function (box) { return box.value; }
    );
    var focused = document.activeElement && document.activeElement.closest(".board-card");
    return {
      restore: function () {
        var current = liveBoard();
        if (!current) { return; }
        columnsOf(current).forEach(function (column) {
          if (scrolls[column.dataset.stage] !== undefined) { column.scrollTop = scrolls[column.dataset.stage]; }
        });
        ticked.forEach(function (value) {
          var box = document.querySelector('input[name="selected"][form="bulk-form"][value="' + value + '"]');
          if (box) { box.checked = true; }
        });
        var card = focused && !document.body.contains(focused) && document.getElementById(focused.id);
        if (card) { card.focus({ preventScroll: true }); }
      }
    };
  }

  function onBoard(event) {
    return event.target.closest && (event.target.closest("#board") || event.target.closest("[data-hx-target='#board']"));
  }

  document.addEventListener("ats:columns", function (event) {
    var board = liveBoard();
    if (board && String(event.detail.job) === board.dataset.liveJob) { queueColumns(event.detail.stages || []); }
  });
  document.addEventListener("ats:poll", function () {
    var board = liveBoard();
    if (board && board.dataset.liveJob) {
      queueColumns(columnsOf(board).map(function (column) { return column.dataset.stage; }));
    }
  });
  // SortableJS announces a drag as DOM events ("start", "end") on the column it left.
  document.addEventListener("start", function (event) {
    if (event.target.matches && event.target.matches("[data-board-column]")) { dragging = true; }
  });
  document.addEventListener("end", function (event) {
    if (event.target.matches && event.target.matches("[data-board-column]")) {
      dragging = false;
      refreshColumns();
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (onBoard(event)) { busy += 1; }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (onBoard(event)) {
      busy = Math.max(0, busy - 1);
      refreshColumns();
    }
  });
  // The board a refresh was asked for may have been re-rendered for other filters since.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (source && source.liveFilters !== undefined && source.liveFilters !== boardFilters().toString()) {
      event.detail.shouldSwap = false;
    }
  });
  // A closed "Move to…" menu lets its column's refresh through.
  document.addEventListener("toggle", function (event) {
    if (event.target.matches && event.target.matches("details.move-menu") && !event.target.open) { refreshColumns(); }
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    var path = document.body.dataset.live;
    if (path) { connect(path); } else { poll(); }
  });
})();

// ---- Board layout (issue 16) ---------------------------------------------------------------
// Columns fold to strips of their name and count (remembered per job in this browser), phones
// show one column at a time (the stage picker), and the board's frame shows on which side more
// columns lie (edge shadows). Without this script every column shows side by side, and
// noscript.css leaves out the controls that need it (data-needs-js).
(function () {
  "use strict";

  function board() { return document.getElementById("board"); }

  function columns(el) { return Array.prototype.slice.call(el.querySelectorAll(".board-column[data-column]")); }

  // Per job and per browser: the layout is the person's own, not the job's.
  function key(el, what) { return "ats:board:" + el.dataset.liveJob + ":" + what; }

  function load(el, what) {
    try { return JSON.parse(window.localStorage.getItem(key(el, what))); } catch (error) { return null; }
  }

  function save(el, what, value) {
    try { window.localStorage.setItem(key(el, what), JSON.stringify(value)); } catch (error) { /* storage off: not remembered */ }
  }

  function folded(el) {
    var ids = load(el, "folded");
    return Array.isArray(ids) ? ids.map(String) : [];
  }

  // Columns the server sends (a filter, a live update, an Undo) arrive unfolded: fold them again.
  function applyFolded(el) {
    var ids = folded(el);
    var names = [];
    columns(el).forEach(function (column) {
      var fold = ids.indexOf(column.dataset.column) >= 0;
      column.classList.toggle("is-collapsed", fold);
      var button = column.querySelector("[data-collapse-column]");
      if (button) {
        button.setAttribute("aria-expanded", fold ? "false" : "true");
        button.title = fold ? "Unfold this column" : "Fold this column";
      }
      if (fold) { names.push(column.querySelector("h2").textContent.trim()); }
    });
    var note = document.querySelector("[data-collapsed-note]");
    if (note) {
      note.hidden = !names.length;
      note.querySelector("[data-collapsed-text]").textContent =
        (names.length === 1 ? "1 column folded: " : names.length + " columns folded: ") + names.join(", ") + ".";
    }
  }

  document.addEventListener("click", function (event) {
    var el = board();
    if (!el) { return; }
    // A click anywhere on a strip unfolds it (its cards, unseen, lie over it to take drops). Phones
    // show no strips (app.css): there a click in such a column is a click on its card.
    var strip = window.matchMedia("(min-width: 576px)").matches && event.target.closest(".board-column.is-collapsed");
    var button = event.target.closest("[data-collapse-column]") || (strip && strip.querySelector("[data-collapse-column]"));
    if (button) {
      var id = button.closest("[data-column]").dataset.column;
      var ids = folded(el).filter(function (other) { return other !== id; });
      if (button.getAttribute("aria-expanded") === "true") { ids.push(id); }
      save(el, "folded", ids);
      layout();
    } else if (event.target.closest("[data-expand-all]")) {
      var first = el.querySelector(".board-column.is-collapsed [data-collapse-column]");
      save(el, "folded", []);
      layout();
      if (first) { first.focus(); }  // the note's button is gone: focus goes to the first unfolded column
    }
  });

  // The stage picker (phones): the chosen column shows, the others wait (CSS, below 576 px). Its
  // options carry the columns' counts, read from the count badges that drags and updates keep right.
  function picker() { return document.querySelector("[data-stage-picker-select]"); }

  function applyPick(el) {
    var select = picker();
    if (!select) { return; }
    var all = columns(el);
    if (!all.some(function (column) { return column.dataset.column === select.value; }) && all.length) {
      select.value = all[0].dataset.column;
    }
    el.setAttribute("data-stage-picked", "");
    all.forEach(function (column) { column.toggleAttribute("data-picked", column.dataset.column === select.value); });
    Array.prototype.forEach.call(select.options, function (option) {
      var count = document.getElementById("count-" + option.value);
      if (count) { option.textContent = option.dataset.label + " (" + count.textContent.trim() + ")"; }
    });
  }

  // On arrival: the column of the card in the address (#application-12: back from a move), else the
  // one last picked on this job.
  function firstPick(el) {
    var select = picker();
    if (!select) { return; }
    var card = window.location.hash && document.getElementById(window.location.hash.slice(1));
    var column = card && card.closest && card.closest("[data-column]");
    var wanted = column ? column.dataset.column : load(el, "picked");
    if (wanted !== null && wanted !== undefined) { select.value = String(wanted); }
    applyPick(el);
    if (column && select.offsetParent !== null) { card.scrollIntoView({ block: "nearest" }); }
  }

  document.addEventListener("change", function (event) {
    var el = board();
    if (!el || !event.target.matches("[data-stage-picker-select]")) { return; }
    save(el, "picked", event.target.value);
    applyPick(el);
  });

  // Shadows on the frame's edges while columns lie beyond them.
  function edges() {
    var el = board();
    var frame = document.querySelector("[data-board-frame]");
    if (!el || !frame) { return; }
    frame.toggleAttribute("data-more-left", el.scrollLeft > 1);
    frame.toggleAttribute("data-more-right", el.scrollLeft + el.clientWidth < el.scrollWidth - 1);
  }

  document.addEventListener("scroll", function (event) {
    if (event.target.id === "board") { edges(); }
  }, true);  // scroll does not bubble
  window.addEventListener("resize", edges);

  function layout() {
    var el = board();
    if (!el) { return; }
    applyFolded(el);
    applyPick(el);
    edges();
  }

  // Deferred: the page is parsed, and nothing has been drawn folded the wrong way yet.
  if (board()) {
    applyFolded(board());
    firstPick(board());
    edges();
  }
  document.addEventListener("htmx:afterSettle", layout);
  document.addEventListener("htmx:oobAfterSwap", layout);
})();

// Breadcrumbs keep to one line (app.css): a shortened one gives its full text on hover.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll(".breadcrumb-item").forEach(function (item) {
    if (item.scrollWidth > item.clientWidth && !item.title) { item.title = item.textContent.trim(); }
  });
});
// ---- end of board layout and breadcrumbs (issue 16) ----

// Menus made of <details data-menu> (application cards, issue 16): one open at a time; a click
// elsewhere or Escape closes them. Without this script each opens and closes with its summary.
(function () {
  "use strict";
  function closeMenus(except) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (menu !== except && !menu.contains(except)) { menu.open = false; }
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest ? event.target.closest("details[data-menu]") : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) { return; }
    var menu = event.target.closest("details[data-menu][open]");
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
// ---- end of application card menus (issue 16, helper B) ----
