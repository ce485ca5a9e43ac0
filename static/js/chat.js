// The chat page: one /ws/chat/<uuid>/ socket. Streamed text is rendered as it arrives by
// chat-markdown.js (escaped, a safe subset); the `end` frame's sanitised HTML then replaces it.
(function () {
  "use strict";
  var configNode = document.getElementById("chat-config");
  if (!configNode || !("WebSocket" in window)) return;
  var config = JSON.parse(configNode.textContent);
  var log = document.getElementById("chat-log");
  var form = document.getElementById("chat-composer");
  var input = document.getElementById("chat-input");
  var sendButton = document.getElementById("chat-send");
  var stopButton = document.getElementById("chat-stop");
  var regenerateButton = document.getElementById("chat-regenerate");
  var errorBox = document.getElementById("chat-error");
  var errorText = document.getElementById("chat-error-text");
  var errorLink = document.getElementById("chat-error-link");
  var retryButton = document.getElementById("chat-retry");
  var chatsLeft = document.getElementById("chats-left");
  var starters = document.getElementById("chat-starters");
  var scroller = document.getElementById("chat-scroll");
  var jumpButton = document.getElementById("chat-jump");
  var renderMarkdown = window.chatMarkdown;
  var actions = window.chatActions;  // tool steps and proposal cards (chat-actions.js)
  // Enter sends where there is a real keyboard; on a touch screen it is a new line and Send sends.
  var enterSends = window.matchMedia("(hover: hover) and (pointer: fine)");

  var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + config.socket;
  var socket = null, attempt = 0, streaming = false, current = null, pendingUser = null;
  var lastAction = null, autosend = config.autosend || "";
  var currentText = "", renderQueued = 0;
  // True while the reader is at the newest message: new text then keeps it in view.
  var following = true;
  // The ai_chat_enabled switch, decided by the server: the composer stays off until a reload.
  var paused = !!config.paused;

  function bubble(role, messageId) {
    var item = document.createElement("li");
    item.className = "bubble " + role;
    if (messageId) item.dataset.messageId = messageId;
    var body = document.createElement("div");
    body.className = "bubble-body" + (role === "user" ? " prewrap" : "");
    item.appendChild(body);
    log.appendChild(item);
    grew();
    return item;
  }

  function atBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
  }

  function toLatest() {
    scroller.scrollTop = scroller.scrollHeight;
    following = true;
    jumpButton.hidden = true;
  }

  // After the log grew: stay with the newest text, or offer a way to it.
  function grew() {
    if (following) toLatest();
    else jumpButton.hidden = false;
  }

  function renderCurrent() {
    renderQueued = 0;
    if (!current) return;
    var body = current.querySelector(".bubble-body");
    body.classList.remove("streaming-text");
    if (renderMarkdown) body.innerHTML = renderMarkdown(currentText);  // escaped, then a safe subset
    else body.textContent = currentText;
    grew();
  }

  function queueRender() {
    // Several deltas in one frame are drawn once.
    if (!renderQueued) renderQueued = window.requestAnimationFrame(renderCurrent);
  }

  function addCopy(item) {
    if (!item.classList.contains("assistant") || item.querySelector(".copy")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link copy";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      var text = item.querySelector(".bubble-body").innerText;
      if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { button.textContent = "Copied"; });
    });
    item.appendChild(button);
  }

  function setStreaming(on) {
    streaming = on;
    stopButton.hidden = !on;
    sendButton.disabled = on || paused;
    regenerateButton.hidden = on || paused || !log.querySelector(".bubble.assistant");
    log.setAttribute("aria-busy", on ? "true" : "false");
  }

  function showError(message, options) {
    errorText.textContent = message;
    errorLink.hidden = !(options && options.link);
    retryButton.hidden = !(options && options.retry);
    errorBox.hidden = false;
  }

  function clearError() { errorBox.hidden = true; }

  function send(frame) {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      showError("Reconnecting… try again in a moment.", {});
      return false;
    }
    socket.send(JSON.stringify(frame));
    return true;
  }

  function sendMessage(text) {
    text = text.trim();
    if (!text || streaming || paused) return;
    clearError();
    if (!send({ type: "message", content: text })) return;
    lastAction = { type: "message", content: text };
    pendingUser = bubble("user");
    pendingUser.querySelector(".bubble-body").textContent = text;
    if (starters) starters.hidden = true;
    input.value = "";
    fitInput();
    toLatest();
    setStreaming(true);
  }

  function regenerate() {
    if (streaming || paused) return;
    clearError();
    if (!send({ type: "regenerate" })) return;
    lastAction = { type: "regenerate" };
    setStreaming(true);
  }

  function onStart(frame) {
    var existing = log.querySelector('[data-message-id="' + frame.message_id + '"]');
    if (lastAction && lastAction.type === "regenerate" && !existing) {
      // The server replaced the last answer: drop it here too.
      var answers = log.querySelectorAll(".bubble.assistant");
      if (answers.length) answers[answers.length - 1].remove();
    }
    current = existing || bubble("assistant", frame.message_id);
    current.classList.add("streaming");
    currentText = frame.resumed ? frame.text || "" : "";
    if (starters) starters.hidden = true;
    renderCurrent();
    pendingUser = null;
    setStreaming(true);
  }

  function onDelta(frame) {
    if (!current || current.dataset.messageId !== frame.message_id) return;
    currentText += frame.text;
    queueRender();
  }

  function onEnd(frame) {
    var item = current || log.querySelector('[data-message-id="' + frame.message_id + '"]');
    if (renderQueued) window.cancelAnimationFrame(renderQueued);
    renderQueued = 0;
    current = null;
    setStreaming(false);
    if (!item) return;
    item.classList.remove("streaming");
    var body = item.querySelector(".bubble-body");
    body.classList.remove("streaming-text");
    body.innerHTML = frame.html || "";  // rendered and sanitised (nh3) by the server
    if (frame.status !== "complete") item.classList.add(frame.status);
    if (frame.status === "stopped") note(item, "Stopped");
    if (frame.demo) { note(item, "Demo answer"); item.lastChild.classList.add("demo-answer"); }  // issue 14, demo label
    if (frame.status === "error") {
      note(item, "This answer could not be finished.");
      showError((frame.error && frame.error.message) || "The answer failed.", { retry: true });
      lastAction = { type: "regenerate" };
    }
    addCopy(item);
    showQuota(frame.quota);
    grew();
  }

  // The server's count after the answer (counted in its database): shown as it is, never summed here.
  function showQuota(quota) {
    if (!chatsLeft || !quota || quota.chats_remaining == null) return;
    chatsLeft.textContent = quota.chats_remaining.toLocaleString("en-US");
    var limit = document.getElementById("chats-limit");
    if (limit) limit.textContent = quota.monthly_chats.toLocaleString("en-US");
  }

  // The textarea grows with its text up to its CSS max-height, then scrolls.
  function fitInput() {
    input.style.height = "auto";
    input.style.height = input.scrollHeight + 2 + "px";
  }

  // On phones the keyboard shrinks only the visual viewport: the chat column follows it, so the
  // composer rides above the keyboard (CSSOM, which the CSP's style-src allows, unlike style="").
  function fitViewport() {
    var height = window.visualViewport.height;
    document.documentElement.style.setProperty("--chat-viewport", height + "px");
    // iOS pans the page up behind the keyboard; the column already fits, so undo that (not a pinch-zoom).
    if (window.visualViewport.scale === 1 && window.visualViewport.offsetTop > 0) window.scrollTo(0, 0);
  }

  function note(item, text) {
    var p = document.createElement("p");
    p.className = "bubble-note";
    p.textContent = text;
    item.appendChild(p);
  }

  function answerFor(frame) {
    if (current && current.dataset.messageId === frame.message_id) return current;
    return log.querySelector('[data-message-id="' + CSS.escape(String(frame.message_id)) + '"]');
  }

  function onError(frame) {
    if (actions) actions.settle(log);
    if (pendingUser) {  // refused: nothing was saved, so the question goes back in the box
      input.value = pendingUser.querySelector(".bubble-body").textContent;
      pendingUser.remove();
      pendingUser = null;
    }
    if (!current) setStreaming(false);
    showError(frame.message || "Something went wrong.", {
      link: frame.code === "quota_exceeded",
      retry: frame.code !== "quota_exceeded" && !!lastAction,
    });
  }

  function connect() {
    socket = new WebSocket(url);
    socket.addEventListener("open", function () {
      form.dataset.connected = "true";  // for tests and styles: a message sent now goes out
      attempt = 0;
      clearError();
      if (autosend) { var text = autosend; autosend = ""; sendMessage(text); }
    });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === "start") onStart(frame);
      else if (frame.type === "delta") onDelta(frame);
      else if (frame.type === "end") onEnd(frame);
      else if (frame.type === "error") onError(frame);
      else if (actions && frame.type === "tool") actions.onTool(frame, answerFor(frame));
      else if (actions && frame.type === "proposal") actions.onProposal(frame, answerFor(frame), log);
    });
    socket.addEventListener("close", function (event) {
      form.dataset.connected = "false";
      // The answer keeps being written on the server; on reconnect it is resumed from there.
      current = null;
      setStreaming(false);
      if (event.code === 4403) return;  // no longer a member of the shop: the error frame said so
      var delay = Math.min(15000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
      attempt += 1;
      setTimeout(connect, delay);
    });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); sendMessage(input.value); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && enterSends.matches) {
      event.preventDefault();
      sendMessage(input.value);
    }
  });
  stopButton.addEventListener("click", function () { send({ type: "stop" }); });
  regenerateButton.addEventListener("click", regenerate);
  retryButton.addEventListener("click", function () {
    if (!lastAction) return;
    if (lastAction.type === "regenerate") regenerate();
    else sendMessage(lastAction.content);
  });
  if (starters) {
    starters.addEventListener("click", function (event) {
      var button = event.target.closest(".starter");
      if (button) sendMessage(button.textContent);
    });
  }
  input.addEventListener("input", fitInput);
  scroller.addEventListener("scroll", function () {
    following = atBottom();
    jumpButton.hidden = following;
  }, { passive: true });
  jumpButton.addEventListener("click", toLatest);
  // A decision posts its outcome as a new answer: not a regenerate, so nothing is replaced.
  if (actions) actions.bind(log, function (frame) { if (!send(frame)) return false; lastAction = null; return true; });
  // The pane shrinks when the keyboard opens (or the composer grows): the newest line stays in view.
  if ("ResizeObserver" in window) new ResizeObserver(function () { if (following) toLatest(); }).observe(scroller);
  if (window.visualViewport) {
    window.visualViewport.addEventListener("resize", fitViewport);
    fitViewport();
  }

  Array.prototype.forEach.call(log.querySelectorAll(".bubble.assistant:not(.streaming)"), addCopy);
  // An answer still being written when the page loaded: its text so far, formatted like the rest.
  Array.prototype.forEach.call(log.querySelectorAll(".bubble.streaming .streaming-text"), function (body) {
    if (!renderMarkdown) return;
    body.innerHTML = renderMarkdown(body.textContent);
    body.classList.remove("streaming-text");
  });
  fitInput();
  setStreaming(false);
  toLatest();  // a conversation opens at its newest message
  connect();
})();
