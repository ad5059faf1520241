// Sign-up form: hide the programme round for visitors (it stays in the page without JavaScript).
(function () {
  "use strict";
  var round = document.getElementById("round_id");
  if (!round) { return; }
  var field = round.closest(".field");
  function update() {
    var chosen = document.querySelector("input[name=role]:checked");
    field.hidden = !!chosen && chosen.value === "visitor";
  }
  document.querySelectorAll("input[name=role]").forEach(function (input) {
    input.addEventListener("change", update);
  });
  update();
}());
