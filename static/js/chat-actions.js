// What an agent does while it answers (issue 18): the `tool` frames as a short list of steps in the
// answer, and each `proposal` frame as a card the person approves or declines. chat.js calls
// window.chatActions.onTool/onProposal with the frame and the answer's <li>; the buttons send
// {"type": "approve"|"decline", "proposal": id} through the socket chat.js owns (bind). Cards the
// server rendered (a reloaded page) carry the same markup, so one click handler serves both.
(function () {
  "use strict";
  var LABELS = {
    availability: "Checking free slots",
    appointments: "Looking at the calendar",
    customer_lookup: "Looking up customers",
    customer_segment: "Finding customers",
    shop_metrics: "Reading your numbers",
    services_and_prices: "Reading your services",
    shop_notes: "Reading your shop notes",
  };
  var STATUS_TEXT = {
    done: "Approved and done",
    failed: "Approved, but it could not be done",
    declined: "Declined",
    expired: "Expired: ask again for a fresh proposal",
  };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  // Proposals that can be sent to the person first (chat/proposals.py TESTABLE_TOOLS).
  var TESTABLE = { campaign_draft: true };

  // Detail keys for machines, not for the card (chat/proposals.py hides the same).
  var HIDDEN = { action: true, start: true, end: true };
  var KEY_LABELS = { duration_minutes: "Minutes", old_price: "Price now", price: "Price" };

  function humanize(key) {
    if (KEY_LABELS[key]) return KEY_LABELS[key];
    var words = String(key).replace(/_/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function steps(item) {
    var list = item.querySelector(".tool-steps");
    if (!list) {
      list = el("ul", "tool-steps");
      list.setAttribute("aria-label", "What the agent did");
      item.insertBefore(list, item.querySelector(".bubble-body"));
    }
    return list;
  }

  function onTool(frame, item) {
    if (!item || typeof frame.name !== "string") return;
    var list = steps(item);
    var running = list.querySelector('li[data-tool="' + CSS.escape(frame.name) + '"].running');
    var step = running || list.appendChild(el("li"));
    step.dataset.tool = frame.name;
    step.className = frame.status === "running" ? "running" : frame.status === "error" ? "error" : "done";
    var label = LABELS[frame.name] || humanize(frame.name);
    step.textContent = frame.status === "running" ? label + "…" : frame.summary || label;
  }

  function valueNode(value) {
    if (Array.isArray(value)) {
      var list = el("ul");
      value.slice(0, 10).forEach(function (entry) { list.appendChild(el("li", null, plain(entry))); });
      return list;
    }
    return el("span", null, plain(value));
  }

  function plain(value) {
    if (value == null) return "—";
    if (typeof value !== "object") return String(value);
    return Object.keys(value).map(function (key) { return humanize(key) + ": " + plain(value[key]); }).join(", ");
  }

  function card(frame) {
    var section = el("section", "proposal");
    section.dataset.proposalId = frame.id;
    section.setAttribute("aria-label", "Proposed change");
    section.appendChild(el("p", "proposal-summary", frame.summary || "A proposed change"));
    var details = frame.details && typeof frame.details === "object" ? frame.details : {};
    var keys = Object.keys(details).filter(function (key) {
      return !HIDDEN[key] && typeof details[key] !== "boolean";
    });
    if (keys.length) {
      var list = el("dl", "proposal-details");
      keys.forEach(function (key) {
        list.appendChild(el("dt", null, humanize(key)));
        var dd = el("dd");
        dd.appendChild(valueNode(details[key]));
        list.appendChild(dd);
      });
      section.appendChild(list);
    }
    var footer = el("div", "proposal-actions");
    var approve = el("button", "button proposal-approve", "Approve");
    var decline = el("button", "button secondary proposal-decline", "Decline");
    approve.type = decline.type = "button";
    footer.appendChild(approve);
    footer.appendChild(decline);
    if (TESTABLE[frame.tool]) {
      var test = el("button", "button secondary proposal-test", "Send to me first");
      test.type = "button";
      footer.appendChild(test);
    }
    section.appendChild(footer);
    var status = el("p", "proposal-status small muted");
    status.setAttribute("role", "status");
    if (frame.expires_at) {
      var at = new Date(frame.expires_at);
      if (!isNaN(at)) status.textContent = "Nothing changes until you approve. Expires at " +
        at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ".";
    }
    section.appendChild(status);
    return section;
  }

  function decided(section, frame) {
    var text = STATUS_TEXT[frame.status];
    if (!text) return;
    var result = frame.result || {};
    var detail = result.summary || result.message;
    section.classList.add("decided", frame.status);
    var actions = section.querySelector(".proposal-actions");
    if (actions) actions.remove();
    section.querySelector(".proposal-status").textContent = text + (detail ? ": " + detail : ".");
  }

  function onProposal(frame, item, log) {
    if (!frame.id) return;
    var section = log.querySelector('.proposal[data-proposal-id="' + CSS.escape(String(frame.id)) + '"]');
    if (!section) {
      if (!item) return;
      section = card(frame);
      item.appendChild(section);
    }
    if (frame.status && frame.status !== "pending") decided(section, frame);
    else enable(section);
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  // A test button with no copies left stays off whatever happens to the card's other buttons.
  function exhaust(button, spent) {
    if (spent) button.dataset.exhausted = "true";
    button.disabled = spent;
  }

  function enable(section) {
    section.querySelectorAll("button:not([data-exhausted])").forEach(function (button) { button.disabled = false; });
  }

  // "Send to me first": POST /api/v1/proposals/<id>/test emails the person one copy; the card says where.
  function sendTest(button) {
    var section = button.closest(".proposal");
    var status = section.querySelector(".proposal-status");
    button.disabled = true;
    status.textContent = "Sending you a copy…";
    fetch("/api/v1/proposals/" + encodeURIComponent(section.dataset.proposalId) + "/test", {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (answer) {
        if (answer.ok) {
          status.textContent = "Sent to " + answer.body.sent_to + " — check your inbox.";
          exhaust(button, answer.body.tests_left === 0);
        } else {
          status.textContent = answer.body.message || "The copy could not be sent.";
          exhaust(button, answer.body.code === "rate_limited");
        }
      })
      .catch(function () {
        status.textContent = "The copy could not be sent: check your connection.";
        button.disabled = false;
      });
  }

  function bind(log, send) {
    log.addEventListener("click", function (event) {
      var tester = event.target.closest(".proposal-test");
      if (tester) {
        sendTest(tester);
        return;
      }
      var button = event.target.closest(".proposal-approve, .proposal-decline");
      if (!button) return;
      var section = button.closest(".proposal");
      var type = button.classList.contains("proposal-approve") ? "approve" : "decline";
      if (!send({ type: type, proposal: section.dataset.proposalId })) return;
      section.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      section.querySelector(".proposal-status").textContent = type === "approve" ? "Approving…" : "Declining…";
    });
  }

  // A refused decision (an `error` frame): the card's buttons work again.
  function settle(log) {
    log.querySelectorAll(".proposal:not(.decided)").forEach(function (section) {
      var waiting = section.querySelector(".proposal-approve:disabled, .proposal-decline:disabled");
      if (!waiting) return;
      enable(section);
      section.querySelector(".proposal-status").textContent = "";
    });
  }

  window.chatActions = { onTool: onTool, onProposal: onProposal, bind: bind, settle: settle };
})();
