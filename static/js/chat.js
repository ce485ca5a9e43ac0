// The chat page: one /ws/chat/<uuid>/ socket. Streamed text is inserted as text (escaped);
// the final answer is replaced by the server's sanitised HTML from the `end` frame.
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

  var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + config.socket;
  var socket = null, attempt = 0, streaming = false, current = null, pendingUser = null;
  var lastAction = null, autosend = config.autosend || "";
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
    item.scrollIntoView({ block: "end" });
    return item;
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
    var body = current.querySelector(".bubble-body");
    body.classList.add("streaming-text");
    if (frame.resumed) body.textContent = frame.text || "";
    pendingUser = null;
    setStreaming(true);
  }

  function onDelta(frame) {
    if (!current || current.dataset.messageId !== frame.message_id) return;
    var body = current.querySelector(".bubble-body");
    body.appendChild(document.createTextNode(frame.text));  // text, never HTML
    if (window.innerHeight + window.scrollY >= document.body.scrollHeight - 120) current.scrollIntoView({ block: "end" });
  }

  function onEnd(frame) {
    var item = current || log.querySelector('[data-message-id="' + frame.message_id + '"]');
    current = null;
    setStreaming(false);
    if (!item) return;
    item.classList.remove("streaming");
    var body = item.querySelector(".bubble-body");
    body.classList.remove("streaming-text");
    body.innerHTML = frame.html || "";  // rendered and sanitised (nh3) by the server
    if (frame.status !== "complete") item.classList.add(frame.status);
    if (frame.status === "stopped") note(item, "Stopped");
    if (frame.status === "error") {
      note(item, "This answer could not be finished.");
      showError((frame.error && frame.error.message) || "The answer failed.", { retry: true });
      lastAction = { type: "regenerate" };
    }
    addCopy(item);
    if (chatsLeft && frame.status !== "error") {
      var left = parseInt(chatsLeft.textContent.replace(/,/g, ""), 10);
      if (left > 0) chatsLeft.textContent = String(left - 1);
    }
  }

  function note(item, text) {
    var p = document.createElement("p");
    p.className = "bubble-note";
    p.textContent = text;
    item.appendChild(p);
  }

  function onError(frame) {
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
    });
    socket.addEventListener("close", function (event) {
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
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
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
  Array.prototype.forEach.call(log.querySelectorAll(".bubble.assistant:not(.streaming)"), addCopy);
  setStreaming(false);
  connect();
})();
