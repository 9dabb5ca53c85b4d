// Qinggong's only script besides htmx: confirmation before destructive
// actions (forms marked data-confirm), closing flash messages, and the
// organization pickers (web.OrgPicker).
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
document.addEventListener("click", function (e) {
  if (e.target.matches(".flash button")) { e.target.parentElement.remove(); }
});

// An organization picker is a text box that, without this script, is the
// form's code field itself. Here the field becomes hidden, the box a
// combobox: typing fetches suggestions (an HTML fragment of options from
// data-src, limited to the caller's scope), arrows move, Enter or a tap
// picks (the field gets the code, the box the name), Escape closes. A
// typed code that is never picked is still sent as typed.
(function () {
  function setup(box) {
    if (box.dataset.ready) { return; }
    box.dataset.ready = "1";
    var input = box.querySelector("input");
    var list = box.querySelector(".picker-list");
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = input.name;
    field.value = input.value;
    input.removeAttribute("name");
    input.after(field);
    if (box.dataset.display) { input.value = box.dataset.display; }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var timer = 0, seq = 0, active = -1, picking = false;

    function options() { return list.querySelectorAll("li[data-code]"); }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function highlight(i) {
      var os = options();
      if (!os.length) { return; }
      active = (i + os.length) % os.length;
      for (var j = 0; j < os.length; j++) { os[j].setAttribute("aria-selected", j === active ? "true" : "false"); }
      input.setAttribute("aria-activedescendant", os[active].id);
      os[active].scrollIntoView({ block: "nearest" });
    }
    function pick(o) {
      field.value = o.dataset.code;
      input.value = o.dataset.label;
      close();
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function search() {
      var q = input.value.trim();
      var n = ++seq;
      if (!q) { list.innerHTML = ""; close(); return; }
      var src = box.dataset.src;
      var url = src + (src.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q);
      fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (n !== seq || document.activeElement !== input) { return; }
          // Fresh results keep the highlighted organization, if still
          // offered, so that an Enter just after a refresh picks it.
          var was = active >= 0 ? options()[active].dataset.code : null;
          list.innerHTML = html; // a server-rendered, escaped fragment
          list.dataset.q = q;
          var os = options();
          active = -1;
          for (var i = 0; i < os.length; i++) {
            os[i].id = list.id + "-" + i;
            if (os[i].dataset.code === was) { active = i; }
          }
          if (active >= 0) { highlight(active); }
          if (html) { open(); } else { close(); }
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      field.value = input.value.trim(); // a typed code counts until something is picked
      clearTimeout(timer);
      timer = setTimeout(search, 180);
    });
    input.addEventListener("focus", function () {
      if (input.value.trim() && list.hidden) { search(); }
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (list.hidden) { search(); return; }
        e.preventDefault();
        highlight(active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter" && !list.hidden && active >= 0) {
        e.preventDefault();
        picking = true;
        pick(options()[active]);
      } else if (e.key === "Escape" && !list.hidden) {
        e.preventDefault();
        close();
      }
    });
    // The Enter that picked must not also submit the form, should its
    // keypress come anyway (a synthesised one does).
    input.addEventListener("keypress", function (e) { if (e.key === "Enter" && picking) { e.preventDefault(); } });
    input.addEventListener("keyup", function () { picking = false; });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    // mousedown, not click: it comes before the box loses focus.
    list.addEventListener("mousedown", function (e) {
      var o = e.target.closest("li[data-code]");
      if (o) { e.preventDefault(); pick(o); } else { close(); } // "nothing matched" goes away
    });
  }
  function setupAll(root) {
    var boxes = (root || document).querySelectorAll("[data-org-picker]");
    for (var i = 0; i < boxes.length; i++) { setup(boxes[i]); }
  }
  document.addEventListener("DOMContentLoaded", function () { setupAll(document); });
  document.addEventListener("htmx:load", function (e) { setupAll(e.target); });
})();
