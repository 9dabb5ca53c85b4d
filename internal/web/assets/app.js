// Qinggong's only script besides htmx: confirmation before destructive
// actions (forms marked data-confirm) and closing flash messages.
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
document.addEventListener("click", function (e) {
  if (e.target.matches(".flash button")) { e.target.parentElement.remove(); }
});
