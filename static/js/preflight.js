// Validation before confirmation (issue 30, govmedia/common/preflight.py). A form marked
// data-preflight (its view is decorated with @preflight) whose button asks "确定…吗？"
// (data-confirm) is first sent to its own address with the header X-Preflight: 1;
// the server validates it exactly as for the real submission, saves nothing, and answers the
// errors. Errors are shown beside their fields and no dialog appears; only a form the server
// would accept is confirmed, then submitted for real. Loaded before app.js.
(function () {
  "use strict";
  var ERROR = "data-preflight-error";

  // Without an answer from the server (offline, a view that does not check): a form missing a
  // required answer goes straight to the server, which names what is missing; only a complete
  // form is confirmed. `data-required-if`="name=value" makes a field required while that choice
  // is made (驳回 → 驳回原因).
  function missingAnswers(form) {
    var missing = false;
    Array.prototype.forEach.call(form.querySelectorAll("[required], [data-required-if]"), function (el) {
      if (el.disabled || el.type === "hidden" || missing) return;
      var need = el.hasAttribute("required");
      if (el.dataset.requiredIf) {
        var parts = el.dataset.requiredIf.split("=");
        var chosen = form.querySelector("[name='" + parts[0] + "']:checked");
        need = !!chosen && chosen.value === parts[1];
      }
      if (!need) return;
      if (el.type === "radio" || el.type === "checkbox") {
        missing = !form.querySelector("[name='" + el.name + "']:checked");
      } else {
        missing = !String(el.value || "").trim();
      }
    });
    return missing;
  }

  function clearErrors(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[" + ERROR + "]"), function (el) { el.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll("[data-preflight-invalid]"), function (el) {
      el.classList.remove("is-invalid");
      el.removeAttribute("aria-invalid");
      el.removeAttribute("data-preflight-invalid");
      var described = (el.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id.indexOf("-preflight-error") < 0;
      });
      if (described.length) el.setAttribute("aria-describedby", described.join(" "));
      else el.removeAttribute("aria-describedby");
    });
    // The server's errors of the previous submission no longer hold: the form is checked again.
    Array.prototype.forEach.call(form.querySelectorAll(".invalid-feedback"), function (el) { el.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll(".is-invalid"), function (el) { el.classList.remove("is-invalid"); });
  }

  function fieldsNamed(form, name) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name === name && el.type !== "hidden";
    });
  }

  function showErrors(form, errors) {
    clearErrors(form);
    var first = null;
    var general = [];
    Object.keys(errors).forEach(function (name, n) {
      var fields = name === "__all__" ? [] : fieldsNamed(form, name);
      if (!fields.length) {
        general = general.concat(errors[name]);
        return;
      }
      var box = document.createElement("div");
      box.className = "invalid-feedback d-block";
      box.id = (fields[0].id || "field-" + n) + "-preflight-error";
      box.setAttribute(ERROR, name);
      box.textContent = errors[name].join(" ");
      var last = fields[fields.length - 1];
      var group = last.type === "radio" || last.type === "checkbox";
      var place = last.closest(".col-sm-9") || (group ? last.closest("fieldset") : null);
      if (place) place.appendChild(box);
      else last.insertAdjacentElement("afterend", box);
      fields.forEach(function (el) {
        if (!group) el.classList.add("is-invalid");
        el.setAttribute("aria-invalid", "true");
        el.setAttribute("data-preflight-invalid", "");
        el.setAttribute("aria-describedby", ((el.getAttribute("aria-describedby") || "") + " " + box.id).trim());
      });
      first = first || fields[0];
    });
    if (general.length) {
      var alert = document.createElement("div");
      alert.className = "alert alert-danger py-1 px-2 mb-2 small";
      alert.setAttribute("role", "alert");
      alert.setAttribute(ERROR, "__all__");
      alert.textContent = general.join(" ");
      var body = form.querySelector(".card-body");
      if (body) body.insertBefore(alert, body.firstChild);
      else form.insertBefore(alert, form.firstChild);
    }
    if (first) first.focus();
  }

  function ask(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var url = submitter && submitter.hasAttribute("formaction") ? submitter.formAction : form.action;
    return fetch(url, {method: "POST", body: data, credentials: "same-origin",
                       headers: {"X-Preflight": "1", "Accept": "application/json"}})
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        return response.ok && type.indexOf("application/json") === 0 ? response.json() : null;
      })
      .catch(function () { return null; });
  }

  // "{n}" in a confirmation is the number of ticked rows.
  function confirmation(form, submitter) {
    var message = (submitter && submitter.dataset.confirm) || form.dataset.confirm || "";
    if (message.indexOf("{n}") >= 0) {
      message = message.replace("{n}", String(document.querySelectorAll("input[data-select-row]:checked").length));
    }
    return message;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    if (form.dataset.preflightPassed === "1") {  // checked and confirmed: the real submission
      delete form.dataset.preflightPassed;
      return;
    }
    var message = confirmation(form, submitter);
    if (!message) return;
    if (!form.hasAttribute("data-preflight") || (form.method || "").toLowerCase() !== "post") {
      // A view that does not check before confirming: the browser's check of required answers.
      if (!missingAnswers(form) && !window.confirm(message)) event.preventDefault();
      return;
    }
    event.preventDefault();
    ask(form, submitter).then(function (answer) {
      if (answer && answer.errors && Object.keys(answer.errors).length) {
        showErrors(form, answer.errors);
        return;
      }
      clearErrors(form);
      // Unchecked by the server (no answer, or the view refused before checking): the browser's
      // own check of required answers decides, then the real submission shows what it shows.
      var confirmed = !answer || !answer.checked ? (missingAnswers(form) || window.confirm(message)) : window.confirm(message);
      if (!confirmed) return;
      form.dataset.preflightPassed = "1";
      if (submitter && submitter.form === form) form.requestSubmit(submitter);
      else form.requestSubmit();
    });
  });
})();
