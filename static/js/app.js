// govmedia front-end behaviour shared by every page. No inline scripts (CSP script-src 'self').
(function () {
  "use strict";
  // Confirmations (data-confirm) are asked by preflight.js, after the server checked the form.
  // Copy-to-clipboard buttons: data-copy-target="#id".
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var target = document.querySelector(button.dataset.copyTarget);
    if (!target || !navigator.clipboard) return;
    navigator.clipboard.writeText(target.textContent.trim()).then(function () {
      button.textContent = "已复制";
    });
  });
})();

(function () {
  "use strict";
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function fillSelect(select, units, placeholder) {
    select.innerHTML = "";
    var first = document.createElement("option");
    first.value = "";
    first.textContent = placeholder;
    select.appendChild(first);
    units.forEach(function (u) {
      var option = document.createElement("option");
      option.value = u.code;
      option.textContent = u.name + "（" + u.code + "）";
      select.appendChild(option);
    });
  }

  // Org cascade 省/部 → 市/省局 → 区县/地方部门: a choice refills the next select, clears the deeper ones.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-cascade-level]");
    if (!select) return;
    var level = parseInt(select.dataset.cascadeLevel, 10);
    var form = select.form;
    var next = form.querySelector("select[data-cascade-level='" + (level + 1) + "']");
    var deeper = form.querySelectorAll("select[data-cascade-level]");
    deeper.forEach(function (s) {
      if (parseInt(s.dataset.cascadeLevel, 10) > level && !s.disabled) fillSelect(s, [], "全部");
    });
    if (!next || next.disabled || !select.value) return;
    fetch(select.dataset.childrenUrl + "?parent=" + encodeURIComponent(select.value), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { fillSelect(next, data.units, "全部"); });
  });

  // Checkbox selection: select-all on the page; buttons needing a selection stay disabled without one.
  function refreshSelection() {
    var any = document.querySelectorAll("input[data-select-row]:checked").length > 0;
    document.querySelectorAll("[data-requires-selection]").forEach(function (b) { b.disabled = !any; });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("input[data-select-all]")) {
      document.querySelectorAll("input[data-select-row]").forEach(function (c) { c.checked = event.target.checked; });
    }
    if (event.target.matches("input[data-select-row], input[data-select-all]")) refreshSelection();
    if (event.target.closest("form[data-autosubmit]")) event.target.form.submit();
  });
  refreshSelection();

  // The delete dialog takes its target from the button that opened it.
  document.addEventListener("show.bs.modal", function (event) {
    var trigger = event.relatedTarget;
    var form = event.target.querySelector("form[data-delete-form], [data-delete-form]");
    if (!trigger || !form) return;
    form.action = trigger.dataset.action;
    var name = event.target.querySelector("[data-delete-name]");
    if (name) name.textContent = trigger.dataset.name || "";
  });

  // 新增填报单位: the tier chosen lists the org units of that tier.
  function loadTierUnits(radio) {
    var select = document.getElementById("id_org_unit");
    if (!select || !radio) return;
    fetch(radio.dataset.unitsUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        fillSelect(select, data.units, "请选择组织单位");
        if (select.dataset.selected) select.value = select.dataset.selected;
      });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("input[name=tier][data-units-url]")) loadTierUnits(event.target);
  });
  loadTierUnits(document.querySelector("input[name=tier][data-units-url]:checked"));

  // 获取验证码: send the mobile typed in the form, then count down before another request.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-sms-button]");
    if (!button) return;
    var status = button.closest(".mb-3").querySelector("[data-sms-status]");
    var mobile = document.querySelector(button.dataset.mobileField);
    var body = new URLSearchParams({ mobile: mobile ? mobile.value.trim() : "" });
    button.disabled = true;
    fetch(button.dataset.smsUrl, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
    }).then(function (r) { return r.json(); }).then(function (data) {
      status.textContent = data.message || "";
      status.classList.toggle("text-danger", !data.ok);
      var wait = data.wait || 0;
      if (!wait) { button.disabled = false; return; }
      var timer = setInterval(function () {
        wait -= 1;
        button.textContent = "重新获取" + wait + "s";
        if (wait <= 0) { clearInterval(timer); button.disabled = false; button.textContent = "获取验证码"; }
      }, 1000);
      button.textContent = "重新获取" + wait + "s";
    }).catch(function () { button.disabled = false; status.textContent = "网络错误，请重试。"; });
  });
})();

// Long uploads and exports: forms with data-busy disable their buttons and say they are working.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.dataset || !form.dataset.busy || event.defaultPrevented) return;
  var note = document.createElement("div");
  note.className = "alert alert-info mt-2 busy-note";
  note.setAttribute("role", "status");
  note.innerHTML = '<span class="spinner-border spinner-border-sm me-2" aria-hidden="true"></span>';
  note.appendChild(document.createTextNode(form.dataset.busy));
  form.appendChild(note);
  setTimeout(function () { form.querySelectorAll("button").forEach(function (b) { b.disabled = true; }); }, 0);
});

// Export links: a note while the file is generated (the download itself replaces nothing).
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-busy-link]");
  if (!link) return;
  var note = document.getElementById("busy-toast") || document.createElement("div");
  note.id = "busy-toast";
  note.className = "alert alert-info position-fixed bottom-0 end-0 m-3 shadow";
  note.setAttribute("role", "status");
  note.textContent = link.dataset.busyLink;
  document.body.appendChild(note);
  setTimeout(function () { note.remove(); }, 8000);
});

// 检查结果: search the unit's accounts by name or media code into the datalist.
document.addEventListener("input", function (event) {
  var input = event.target.closest("input[data-account-search]");
  if (!input || input.value.trim().length < 2) return;
  var base = input.dataset.accountSearch;
  fetch(base + (base.indexOf("?") >= 0 ? (base.slice(-1) === "&" || base.slice(-1) === "?" ? "" : "&") : "?") + "q=" + encodeURIComponent(input.value.trim()), { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var list = document.getElementById(input.getAttribute("list"));
      list.innerHTML = "";
      data.accounts.forEach(function (a) {
        var option = document.createElement("option");
        option.value = a.code;
        option.textContent = a.name + "（" + a.type + "）";
        list.appendChild(option);
      });
    });
});

// 新增网站: the six-character org code fills in 省/部委 · 市/垂管省局 · 县/垂管分局.
document.addEventListener("input", function (event) {
  var input = event.target;
  if (input.name !== "org_code") return;
  var box = document.querySelector("[data-org-levels]");
  if (!box) return;
  var cells = box.querySelectorAll("[data-level]");
  if (input.value.trim().length !== 6) { cells.forEach(function (c) { c.textContent = "—"; }); return; }
  fetch(box.dataset.lookupUrl + "?code=" + encodeURIComponent(input.value.trim()), { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      cells.forEach(function (c, i) { c.textContent = data.found ? (data.levels[i] || "—") : "未找到该组织单位"; });
    });
});

// Export jobs: every [data-job-progress] polls its status URL until the job is finished; the bar's
// width is set here (CSP allows no inline styles).
(function () {
  "use strict";
  function draw(box, state) {
    var bar = box.querySelector("[data-job-bar]");
    bar.style.width = state.percent + "%";
    bar.textContent = state.percent + "%";
    box.querySelector(".progress").setAttribute("aria-valuenow", state.percent);
    box.dataset.percent = state.percent;
    box.dataset.finished = state.finished ? "1" : "0";
    if (!state.status) return;
    box.querySelector("[data-job-status]").textContent = state.status_label;
    box.querySelector("[data-job-rows]").textContent =
      state.rows_total === null ? "" : (state.rows_verb || "已写入") + " " + state.rows_written + " / " + state.rows_total + " " + (state.rows_unit || "行");
    box.querySelector("[data-job-retrying]").hidden = !state.retrying;
    var error = box.querySelector("[data-job-error]");
    error.textContent = state.error;
    error.hidden = !state.error;
    var link = box.querySelector("[data-job-download]");
    if (link) {
      link.hidden = !state.download_url;
      if (state.download_url) link.href = state.download_url;
    }
    if (state.finished && box.dataset.reloadWhenFinished === "1" && state.status === "done") {
      window.location.reload();  // an import: the page shows the check's result or goes on to the list
      return;
    }
    if (state.finished) {
      bar.classList.remove("progress-bar-striped", "progress-bar-animated");
      bar.classList.add(state.status === "done" ? "bg-success" : "bg-danger");
    }
  }
  function poll(box) {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (state) draw(box, state);
        if (!state || !state.finished) window.setTimeout(function () { poll(box); }, 1000);
      })
      .catch(function () { window.setTimeout(function () { poll(box); }, 3000); });
  }
  document.querySelectorAll("[data-job-progress]").forEach(function (box) {
    draw(box, { percent: parseInt(box.dataset.percent, 10) || 0, finished: box.dataset.finished === "1" });
    if (box.dataset.finished !== "1") poll(box);
  });
})();

// A table wider than the screen scrolls sideways: with nothing focusable inside, its box takes the
// keyboard focus so it can be scrolled without a mouse (axe: scrollable-region-focusable).
document.querySelectorAll(".table-responsive").forEach(function (box) {
  if (box.scrollWidth <= box.clientWidth || box.querySelector("a[href], button, input, select, textarea")) return;
  box.tabIndex = 0;
  box.setAttribute("role", "region");
  var caption = box.querySelector("caption") || document.querySelector("h1");
  box.setAttribute("aria-label", caption ? caption.textContent.trim() : "表格");
});

// The manual's 0/300 counters (templates/includes/char_counter.html): the characters typed in a
// text area with data-maxlength, red past the limit. The server refuses text over the limit with
// a message (it never cuts it): the browser gets no maxlength, so a paste is not cut silently.
(function () {
  "use strict";
  function length(text) {
    return Array.from(text.replace(/\r\n/g, "\n")).length;
  }
  function refresh(field) {
    var counter = document.querySelector("[data-char-counter='" + field.id + "']");
    if (!counter) return;
    var n = length(field.value);
    counter.querySelector("[data-char-count]").textContent = n;
    var over = n > parseInt(counter.dataset.limit, 10);
    counter.classList.toggle("text-danger", over);
    field.classList.toggle("is-invalid", over);
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-maxlength]")) refresh(event.target);
  });
  document.querySelectorAll("textarea[data-maxlength]").forEach(refresh);
})();

// 添加账号: 微信公众号类型 and 其他账号类型/平台名称 are asked for some 账号类型 only; the row and its
// red * follow the type chosen (rows with data-required-when="WX" or "QT,XC").
(function () {
  "use strict";
  function follow(select) {
    var form = select.form;
    form.querySelectorAll("[data-required-when]").forEach(function (row) {
      var on = row.dataset.requiredWhen.split(",").indexOf(select.value) >= 0;
      var star = row.querySelector("[data-required-star]");
      if (star) star.hidden = !on;
      row.hidden = !on;  // shown only for the types that ask for it (the page without script shows it always)
      row.querySelectorAll("input, select, textarea").forEach(function (input) {
        if (on) input.setAttribute("aria-required", "true"); else input.removeAttribute("aria-required");
      });
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("form[data-account-form] select[name=account_type]")) follow(event.target);
  });
  var select = document.querySelector("form[data-account-form] select[name=account_type]");
  if (select) follow(select);
})();

// Phones show every table as cards (app.css): each body cell gets its column's title as
// data-label, read from the header grid (two header rows: 新媒体工作负责人·姓名 …).
(function () {
  "use strict";
  function columnTitles(table) {
    var grid = [];
    Array.prototype.forEach.call(table.tHead.rows, function (row, r) {
      grid[r] = grid[r] || [];
      var c = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        while (grid[r][c]) c++;
        for (var i = 0; i < cell.rowSpan; i++) {
          for (var j = 0; j < cell.colSpan; j++) {
            grid[r + i] = grid[r + i] || [];
            grid[r + i][c + j] = cell;
          }
        }
        c += cell.colSpan;
      });
    });
    return (grid[0] || []).map(function (_, c) {
      var parts = [];
      grid.forEach(function (row) { if (row[c] && parts.indexOf(row[c]) < 0) parts.push(row[c]); });
      return parts.map(function (cell) { return cell.textContent.replace(/\s+/g, " ").trim(); }).filter(Boolean).join("·");
    });
  }
  document.querySelectorAll("main table.table").forEach(function (table) {
    if (!table.tHead) return;
    var titles = columnTitles(table);
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var c = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (cell.colSpan === 1 && titles[c] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", titles[c]);
          c += cell.colSpan;
        });
      });
    });
  });
})();
