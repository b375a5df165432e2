// The note box's @ autocomplete. Typing "@ri" asks htmx for the colleagues who may see this candidate
// (the textarea's data-hx-get, triggered by "mentions:query"); arrows move through the list, Enter or
// Tab inserts the handle, Escape closes. The textarea is a textbox with a list (aria-autocomplete, not a
// combobox: HTML allows that role on no textarea), the list its listbox, the option in hand its activedescendant.
(function () {
  "use strict";

  function tokenBeforeCaret(box) {
    var text = box.value.slice(0, box.selectionStart);
    var match = /(^|\s)(@[\w.+-]*)$/.exec(text);
    return match ? match[2] : null;
  }

  function options(list) {
    return Array.prototype.slice.call(list.querySelectorAll('[role="option"]'));
  }

  function close(box, list) {
    list.classList.remove("show");
    box.removeAttribute("aria-activedescendant");
  }

  function highlight(box, list, index) {
    var all = options(list);
    all.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
      option.classList.toggle("active", i === index);
    });
    if (all[index]) {
      box.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    }
  }

  function insert(box, list, option) {
    var token = tokenBeforeCaret(box);
    if (!token) return close(box, list);
    var start = box.selectionStart - token.length;
    var handle = "@" + option.getAttribute("data-handle") + " ";
    box.value = box.value.slice(0, start) + handle + box.value.slice(box.selectionStart);
    box.selectionStart = box.selectionEnd = start + handle.length;
    close(box, list);
    box.focus();
  }

  function setUp(box) {
    var list = document.getElementById(box.getAttribute("aria-controls"));
    var query = document.getElementById("mention-q");
    if (!list || !query) return;

    box.addEventListener("input", function () {
      var token = tokenBeforeCaret(box);
      if (!token) return close(box, list);
      query.value = token;
      box.dispatchEvent(new CustomEvent("mentions:query"));
    });

    list.addEventListener("htmx:afterSwap", function () {
      var any = options(list).length > 0 || list.children.length > 0;
      list.classList.toggle("show", any && tokenBeforeCaret(box) !== null);
      highlight(box, list, 0);
    });

    box.addEventListener("keydown", function (event) {
      if (!list.classList.contains("show")) return;
      var all = options(list);
      var current = all.findIndex(function (option) { return option.getAttribute("aria-selected") === "true"; });
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight(box, list, (current + step + all.length) % Math.max(all.length, 1));
      } else if ((event.key === "Enter" || event.key === "Tab") && all[current]) {
        event.preventDefault();
        insert(box, list, all[current]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close(box, list);
      }
    });

    list.addEventListener("mousedown", function (event) {
      var option = event.target.closest('[role="option"]');
      if (option) {
        event.preventDefault(); // keep the caret in the textarea
        insert(box, list, option);
      }
    });

    box.addEventListener("blur", function () { close(box, list); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-mentions]").forEach(setUp);
  });
})();
