// kzparallel review: keyboard shortcuts (j/k cross to the next/previous page of a list)
// and alignment hover. The page works without it.
(function () {
  "use strict";
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.pair")); }
  function current() { return document.querySelector("tr.pair.current"); }
  function select(row) {
    if (!row) { return; }
    var old = current();
    if (old) { old.classList.remove("current"); }
    row.classList.add("current");
    row.scrollIntoView({ block: "nearest" });
  }
  function turn(name, hash) {
    // the neighbouring page of the list, with the row to select on arrival
    var link = document.querySelector("a.page-" + name);
    if (!link) { return false; }
    window.location.href = link.href + hash;
    return true;
  }
  function move(step) {
    var all = rows();
    var i = all.indexOf(current());
    if (step > 0 && (all.length === 0 || i === all.length - 1) && turn("next", "#first")) { return; }
    if (step < 0 && (all.length === 0 || i === 0) && turn("prev", "#last")) { return; }
    if (!all.length) { return; }
    select(all[Math.max(0, Math.min(all.length - 1, i < 0 ? 0 : i + step))]);
  }
  function submit(name) {
    var row = current();
    var form = row && row.querySelector("form.act-" + name);
    if (form) { form.submit(); }
  }
  function edit() {
    var row = current();
    var box = row && row.querySelector("details.edit");
    if (!box) { return; }
    box.open = true;
    var area = box.querySelector("textarea");
    if (area) { area.focus(); }
  }
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    if (t && (t.tagName === "TEXTAREA" || t.tagName === "INPUT" || t.tagName === "SELECT")) {
      if (ev.key === "Escape") { t.blur(); }
      return;
    }
    var actions = { j: function () { move(1); }, k: function () { move(-1); },
      a: function () { submit("accept"); }, r: function () { submit("reject"); }, e: edit };
    var f = actions[ev.key];
    if (f) { ev.preventDefault(); f(); }
  });
  document.addEventListener("click", function (ev) {
    var row = ev.target.closest && ev.target.closest("tr.pair");
    if (row) { select(row); }
  });
  function highlight(ev, on) {
    var span = ev.target;
    if (!span.matches || !span.matches(".align .src span")) { return; }
    var box = span.closest(".align");
    var links = (span.getAttribute("data-links") || "").split(" ");
    links.forEach(function (i) {
      if (i === "") { return; }
      var t = box.querySelector('.tgt span[data-i="' + i + '"]');
      if (t) { t.classList.toggle("hl", on); }
    });
  }
  document.addEventListener("mouseover", function (ev) { highlight(ev, true); });
  document.addEventListener("mouseout", function (ev) { highlight(ev, false); });
  var hash = window.location.hash;
  if (hash.indexOf("#p-") === 0) { select(document.getElementById(hash.slice(1))); }
  if (hash === "#first") { select(rows()[0]); }
  if (hash === "#last") { select(rows()[rows().length - 1]); }
}());
