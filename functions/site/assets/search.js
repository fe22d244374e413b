// Optional: filters the search index as one types on search/index.html. Without JavaScript the
// form stays hidden and the static lists on the same page do the job.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var out = document.getElementById("search-results");
  if (!form || !input || !out || !window.fetch || !window.URLSearchParams) return;
  var MAX_SHOWN = 50;
  var loading = null;

  function load() {
    if (!loading) {
      loading = fetch("index.json")
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (m) {
          return Promise.all(m.shards.map(function (s) {
            return fetch(s).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
          }));
        })
        .then(function (parts) { return [].concat.apply([], parts); });
    }
    return loading;
  }

  function norm(s) { return String(s).toLowerCase().replace(/[\s\u3000]+/g, ""); }

  function show(entries, q) {
    out.textContent = "";
    var key = norm(q);
    if (!key) return;
    var hits = entries.filter(function (e) {
      if (norm(e.n).indexOf(key) >= 0) return true;
      for (var i = 0; i < e.c.length; i++) if (norm(e.c[i]).indexOf(key) >= 0) return true;
      return false;
    });
    var p = document.createElement("p");
    p.className = "search-count";
    p.textContent = hits.length === 0
      ? "没有找到与“" + q + "”相符的记录。"
      : "找到 " + hits.length + " 条" + (hits.length > MAX_SHOWN ? "，显示前 " + MAX_SHOWN + " 条" : "") + "：";
    out.appendChild(p);
    if (hits.length === 0) return;
    var ul = document.createElement("ul");
    ul.className = "search-hits";
    hits.slice(0, MAX_SHOWN).forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "../" + e.u;
      a.textContent = e.g === "decisions" ? e.c[0] : e.n;
      li.appendChild(a);
      var more = e.g === "decisions" ? [e.n].concat(e.c.slice(1)) : e.c;
      var span = document.createElement("span");
      span.className = "code";
      span.textContent = "（" + e.k + "）" + more.join("，");
      li.appendChild(document.createTextNode(" "));
      li.appendChild(span);
      ul.appendChild(li);
    });
    out.appendChild(ul);
  }

  function run() {
    var q = input.value.trim();
    load().then(function (entries) { show(entries, q); }, function () {
      out.textContent = "检索索引未能加载，请使用下方的分类名录。";
    });
  }

  var timer = null;
  form.hidden = false;
  form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 200); });
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) { input.value = q; run(); }
})();
