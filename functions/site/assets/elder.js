// Optional: remembers the 长者模式 choice across pages. The switch itself works without JavaScript.
(function () {
  var box = document.getElementById("elder-mode");
  if (!box) return;
  try {
    if (window.localStorage.getItem("spotcheck-elder") === "1") box.checked = true;
    box.addEventListener("change", function () {
      window.localStorage.setItem("spotcheck-elder", box.checked ? "1" : "0");
    });
  } catch (e) { /* storage unavailable: the switch still works on this page */ }
})();
