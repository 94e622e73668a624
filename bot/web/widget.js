/*
 * The website chat widget of the withdrawal muscle-pain triage bot.
 *
 * Talks to Rasa's socket.io channel (bot/channels/socketio.py) with socket.io-client 4,
 * which must be loaded first (the global `io`). Configured by data attributes on this
 * script's tag:
 *
 *   <script src="widget.js" defer
 *           data-socket-url="https://bot.example.org"   (required: the Rasa server)
 *           data-socket-path="/socket.io"                (optional)
 *           data-init-payload="/greet"                   (optional: sent, unseen, to
 *                                                          start a new conversation)
 *           data-title="Muscle pain and withdrawal"></script>
 *
 * Messages sent while the person is away (a check-in, fired by the scheduler while the
 * page is closed) are kept by the server, not lost: on the next visit the widget
 * connects as soon as the page loads (when this browser has a conversation), reads the
 * history, and shows every bot message newer than the last one the person saw as new:
 * a "New message" preview beside the launcher when the chat is closed, a "New" line
 * above them when it is open. "Seen" is the server's timestamp of the latest bot
 * message shown in the open chat (localStorage), so no client clock is trusted and a
 * reload never shows a message twice.
 *
 * Safety of rendering: every message is put on the page with text nodes and
 * `textContent`; links are built element by element from http(s) URLs and phone numbers
 * found in the bot's text. Nothing from a message ever reaches innerHTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var MAX_CHARS = 2000;
  var COUNT_FROM = 1800;
  var TYPING_QUIET_MS = 1200;
  var TYPING_GIVE_UP_MS = 30000;
  var HISTORY_WAIT_MS = 4000;
  var CONTEXT_PX = 120; // how much of the person's message may sit above the replies
  var SESSION_KEY = "triage-chat:session";
  var OPEN_KEY = "triage-chat:open";
  var SEEN_KEY = "triage-chat:seen"; // server time of the latest bot message seen
  var PREVIEW_CHARS = 140;
  var PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+\/]+=*$/;
  var CHART_ALT = "Chart of your check-in scores by day (the numbers are in the summary above)";
  var SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;
  // "Please call 911 now", "call 112 or 999 now": the emergency number line.
  var CALL_NOW = /\bcall\s+(\d{2,4})(?:\s+or\s+(\d{2,4}))?\s+now\b/i;
  // Links the bot may send: web addresses, phone numbers of 6 to 15 digits written in
  // groups ("1-800-662-4357", "116 123"), and short numbers right after "call".
  var LINKS = /(https?:\/\/[^\s<>"']+)|(\+?\d{1,4}(?:[ -]\d{2,4}){1,4})(?![\w\/-]|\.\d)|\bcall\s+(\d{2,5})\b/gi;
  var INSIDE_A_WORD = /[\w\/.+-]/;

  function attr(name, fallback) {
    var value = script && script.getAttribute("data-" + name);
    return value === null || value === undefined || value === "" ? fallback : value;
  }

  var config = {
    socketUrl: attr("socket-url", window.location.origin),
    socketPath: attr("socket-path", "/socket.io"),
    initPayload: attr("init-payload", "/greet"),
    title: attr("title", "Withdrawal pain help"),
  };

  function store(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (e) {
      /* storage disabled (private mode): the chat still works, without persistence */
    }
  }

  function stored(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svg(pathData) {
    var ns = "http://www.w3.org/2000/svg";
    var icon = document.createElementNS(ns, "svg");
    icon.setAttribute("viewBox", "0 0 24 24");
    icon.setAttribute("aria-hidden", "true");
    icon.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", pathData);
    path.setAttribute("fill", "currentColor");
    icon.appendChild(path);
    return icon;
  }

  var CHAT_ICON =
    "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
  var SEND_ICON = "M3 20.5 21 12 3 3.5v6.6l12 1.9-12 1.9z";
  var PHONE_ICON =
    "M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z";

  /** Digits and a leading + only: what a tel: link may carry. */
  function telHref(number) {
    return "tel:" + number.replace(/[^\d+]/g, "");
  }

  function safeWebUrl(candidate) {
    var trimmed = candidate.replace(/[.,;:!?)\]]+$/, "");
    try {
      var url = new URL(trimmed);
      if (url.protocol === "http:" || url.protocol === "https:") return { url: url.href, text: trimmed };
    } catch (e) {
      /* not a URL */
    }
    return null;
  }

  /** Appends `text` to `parent` as text nodes, with URLs and phone numbers as links. */
  function appendLinkedText(parent, text) {
    var last = 0;
    var match;
    LINKS.lastIndex = 0;
    while ((match = LINKS.exec(text)) !== null) {
      var link = null;
      var start = match.index;
      var shown = match[0];
      if (match[1]) {
        var web = safeWebUrl(match[1]);
        if (web) {
          link = el("a", null, web.text);
          link.href = web.url;
          link.target = "_blank";
          link.rel = "noopener noreferrer nofollow";
          shown = web.text;
        }
      } else if (match[2]) {
        var digits = match[2].replace(/\D/g, "");
        var glued = start > 0 && INSIDE_A_WORD.test(text.charAt(start - 1));
        if (!glued && digits.length >= 6 && digits.length <= 15) {
          link = el("a", null, match[2]);
          link.href = telHref(match[2]);
        }
      } else if (match[3]) {
        start = match.index + match[0].length - match[3].length;
        shown = match[3];
        link = el("a", null, match[3]);
        link.href = telHref(match[3]);
      }
      if (!link) continue;
      if (start > last) parent.appendChild(document.createTextNode(text.slice(last, start)));
      parent.appendChild(link);
      last = start + shown.length;
      LINKS.lastIndex = last;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /**
   * The image a bot message carries (the summary's chart), or null. Only an inline PNG
   * (a data: URL) is shown: nothing is fetched from elsewhere, so no image can track
   * the person or leak the page's address.
   */
  function imageSource(message) {
    var attachment = message && message.attachment;
    if (!attachment || attachment.type !== "image" || !attachment.payload) return null;
    var src = attachment.payload.src;
    return typeof src === "string" && PNG_DATA_URL.test(src) ? src : null;
  }

  /** The numbers an emergency reply asks to call now, or null if it is not one. */
  function emergencyNumbers(text) {
    var callNow = CALL_NOW.exec(text);
    if (text.indexOf("\uD83D\uDEA8") === -1 && !callNow) return null; // 🚨
    var numbers = [];
    if (callNow) {
      numbers.push(callNow[1]);
      if (callNow[2]) numbers.push(callNow[2]);
    }
    return numbers;
  }

  function Widget() {
    this.socket = null;
    this.sessionId = null;
    this.ready = false; // session confirmed and history shown: messages can go out
    this.outbox = [];
    this.typingTimer = null;
    this.typingGiveUp = null;
    this.historyTimer = null;
    this.replyAnchor = null; // the first reply to the latest message: kept in view
    this.unseen = 0; // bot messages that came while the chat was closed
    var saved = stored(SESSION_KEY);
    if (saved && SESSION_ID.test(saved)) this.sessionId = saved;
    var seen = parseFloat(stored(SEEN_KEY) || "");
    this.seen = isFinite(seen) ? seen : null;
    this.build();
    if (stored(OPEN_KEY) === "true") this.open(false);
    // A returning person: connect now, so what came while they were away greets them.
    else if (this.sessionId) this.connect();
  }

  Widget.prototype.build = function () {
    var self = this;
    var root = el("div", "tcw");
    root.setAttribute("data-open", "false");

    var launcher = el("button", "tcw-launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-controls", "tcw-panel");
    launcher.setAttribute("aria-expanded", "false");
    launcher.appendChild(svg(CHAT_ICON));
    launcher.appendChild(el("span", "tcw-launcher-label-open", "Chat"));
    launcher.appendChild(el("span", "tcw-launcher-label-close", "Close"));
    var badge = el("span", "tcw-badge");
    badge.setAttribute("aria-hidden", "true");
    badge.hidden = true;
    launcher.appendChild(badge);
    launcher.setAttribute("aria-label", "Open chat: " + config.title);
    launcher.addEventListener("click", function () {
      if (self.isOpen()) self.close();
      else self.open(true);
    });

    var panel = el("section", "tcw-panel");
    panel.id = "tcw-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", "tcw-title");
    panel.setAttribute("aria-describedby", "tcw-subtitle");

    var header = el("header", "tcw-header");
    var title = el("h2", "tcw-title", config.title);
    title.id = "tcw-title";
    var subtitle = el(
      "p",
      "tcw-subtitle",
      "Not a doctor. In an emergency, call your local emergency number."
    );
    subtitle.id = "tcw-subtitle";
    var restart = el("button", "tcw-header-button tcw-new", "New chat");
    restart.type = "button";
    restart.setAttribute("aria-label", "Start a new conversation (this one is cleared from this device)");
    restart.addEventListener("click", function () {
      self.newConversation();
    });
    var closer = el("button", "tcw-header-button tcw-close", "\u00D7");
    closer.type = "button";
    closer.setAttribute("aria-label", "Close chat");
    closer.addEventListener("click", function () {
      self.close();
    });
    header.appendChild(title);
    header.appendChild(restart);
    header.appendChild(closer);
    header.appendChild(subtitle);

    var status = el("div", "tcw-status");
    status.setAttribute("role", "status");

    var log = el("ol", "tcw-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-relevant", "additions");
    log.setAttribute("aria-label", "Conversation");
    log.tabIndex = 0;

    var typingArea = el("div", "tcw-typing-area");
    var typing = el("div", "tcw-typing");
    typing.hidden = true;
    typing.setAttribute("role", "status");
    for (var i = 0; i < 3; i++) {
      var dot = el("span", "tcw-dot");
      dot.setAttribute("aria-hidden", "true");
      typing.appendChild(dot);
    }
    typing.appendChild(el("span", "tcw-sr-only", "The assistant is typing"));
    typingArea.appendChild(typing);

    var form = el("form", "tcw-form");
    form.noValidate = true;
    var label = el("label", "tcw-sr-only", "Your message");
    label.htmlFor = "tcw-input";
    var wrap = el("div", "tcw-input-wrap");
    var input = el("textarea", "tcw-input");
    input.id = "tcw-input";
    input.rows = 1;
    input.maxLength = MAX_CHARS;
    input.placeholder = "Type your message\u2026";
    input.setAttribute("enterkeyhint", "send");
    input.setAttribute("aria-describedby", "tcw-count");
    var count = el("div", "tcw-count");
    count.id = "tcw-count";
    count.setAttribute("aria-live", "polite");
    wrap.appendChild(input);
    wrap.appendChild(count);
    var send = el("button", "tcw-send");
    send.type = "submit";
    send.setAttribute("aria-label", "Send message");
    send.appendChild(svg(SEND_ICON));
    form.appendChild(label);
    form.appendChild(wrap);
    form.appendChild(send);

    var footnote = el(
      "p",
      "tcw-footnote",
      "Enter sends \u00B7 Shift+Enter: new line \u00B7 Esc closes"
    );

    panel.appendChild(header);
    panel.appendChild(status);
    panel.appendChild(log);
    panel.appendChild(typingArea);
    panel.appendChild(form);
    panel.appendChild(footnote);
    // What came while the chat was closed: a preview that opens it (announced politely).
    var nudgeArea = el("div", "tcw-nudge-area");
    nudgeArea.setAttribute("aria-live", "polite");
    var nudge = el("button", "tcw-nudge");
    nudge.type = "button";
    nudge.hidden = true;
    nudge.addEventListener("click", function () {
      self.open(true);
    });
    nudgeArea.appendChild(nudge);

    root.appendChild(panel);
    root.appendChild(nudgeArea);
    root.appendChild(launcher);
    document.body.appendChild(root);

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.sendTyped();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        self.sendTyped();
      }
    });
    input.addEventListener("input", function () {
      self.fitInput();
    });
    root.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && self.isOpen()) {
        event.preventDefault();
        self.close();
      }
    });

    this.root = root;
    this.launcher = launcher;
    this.badge = badge;
    this.nudge = nudge;
    this.panel = panel;
    this.status = status;
    this.log = log;
    this.typing = typing;
    this.input = input;
    this.count = count;
  };

  Widget.prototype.isOpen = function () {
    return !this.panel.hidden;
  };

  Widget.prototype.open = function (moveFocus) {
    this.panel.hidden = false;
    this.root.setAttribute("data-open", "true");
    this.launcher.setAttribute("aria-expanded", "true");
    this.launcher.setAttribute("aria-label", "Close chat");
    store(OPEN_KEY, "true");
    this.hideNudge();
    this.markSeen(this.latestShown());
    this.connect();
    if (this.ready) this.greetIfEmpty();
    this.scrollToEnd();
    if (moveFocus) this.input.focus();
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.root.setAttribute("data-open", "false");
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.setAttribute("aria-label", "Open chat: " + config.title);
    store(OPEN_KEY, "false");
    this.setLauncherLabel();
    this.launcher.focus();
  };

  Widget.prototype.setLauncherLabel = function () {
    if (this.isOpen()) return;
    var label = "Open chat: " + config.title;
    if (this.unseen) label += " (" + this.unseen + (this.unseen === 1 ? " new message)" : " new messages)");
    this.launcher.setAttribute("aria-label", label);
  };

  // New messages (sent while the person was away) -------------------------------------

  /** Remembers, by the server's clock, the latest bot message the person has seen. */
  Widget.prototype.markSeen = function (timestamp) {
    if (typeof timestamp !== "number" || !isFinite(timestamp)) return;
    if (this.seen !== null && timestamp <= this.seen) return;
    this.seen = timestamp;
    store(SEEN_KEY, String(timestamp));
  };

  /** The server time of the newest bot message on the page, or null. */
  Widget.prototype.latestShown = function () {
    var items = this.log.querySelectorAll(".tcw-msg--bot[data-ts]");
    if (!items.length) return null;
    return parseFloat(items[items.length - 1].getAttribute("data-ts"));
  };

  /** Shows, beside the closed chat, the first new message and how many there are. */
  Widget.prototype.showNudge = function (text) {
    if (this.isOpen()) return;
    if (this.nudge.hidden) {
      var preview = text.length > PREVIEW_CHARS ? text.slice(0, PREVIEW_CHARS - 1) + "\u2026" : text;
      this.nudge.textContent = "";
      this.nudge.appendChild(el("strong", "tcw-nudge-label", "New message"));
      this.nudge.appendChild(el("span", "tcw-nudge-text", preview));
      this.nudge.hidden = false;
    }
    this.badge.textContent = String(this.unseen);
    this.badge.hidden = false;
    this.setLauncherLabel();
  };

  Widget.prototype.hideNudge = function () {
    this.unseen = 0;
    this.nudge.hidden = true;
    this.nudge.textContent = "";
    this.badge.hidden = true;
    this.badge.textContent = "";
  };

  /** A "New" line above the first message the person has not seen, which stays in view. */
  Widget.prototype.markNewFrom = function (item) {
    var old = this.log.querySelectorAll(".tcw-new-divider");
    for (var i = 0; i < old.length; i++) old[i].remove();
    var divider = el("li", "tcw-new-divider", "New");
    divider.setAttribute("role", "separator");
    this.log.insertBefore(divider, item);
    this.replyAnchor = item;
  };

  Widget.prototype.setStatus = function (text) {
    this.status.textContent = text || "";
  };

  // Connection ------------------------------------------------------------------------

  Widget.prototype.connect = function () {
    var self = this;
    if (this.socket) return;
    if (typeof window.io !== "function") {
      this.setStatus("The chat could not load. Please reload the page.");
      return;
    }
    var socket = window.io(config.socketUrl, {
      path: config.socketPath,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 10000,
    });
    this.socket = socket;

    socket.on("connect", function () {
      self.setStatus("");
      self.ready = false;
      socket.emit("session_request", { session_id: self.sessionId });
    });
    socket.on("session_confirm", function (sessionId) {
      var id = typeof sessionId === "string" ? sessionId : sessionId && sessionId.session_id;
      if (typeof id !== "string" || !SESSION_ID.test(id)) return;
      self.sessionId = id;
      store(SESSION_KEY, id);
      // The server is the record: after a reload or a dropped connection, show the
      // conversation as it stands there (replies sent while offline included).
      socket.emit("history_request", { session_id: id });
      clearTimeout(self.historyTimer);
      self.historyTimer = setTimeout(function () {
        self.onHistory(null); // a server without history support: carry on
      }, HISTORY_WAIT_MS);
    });
    socket.on("session_history", function (data) {
      if (data && data.session_id && data.session_id !== self.sessionId) return;
      self.onHistory(data && Array.isArray(data.messages) ? data.messages : []);
    });
    socket.on("bot_uttered", function (message) {
      self.onBotMessage(message);
    });
    socket.on("disconnect", function (reason) {
      self.ready = false;
      if (reason !== "io client disconnect") {
        self.setStatus("Connection lost. Reconnecting\u2026");
      }
    });
    socket.on("connect_error", function () {
      self.setStatus("Can't reach the assistant right now. Trying again\u2026");
    });
  };

  Widget.prototype.onHistory = function (messages) {
    clearTimeout(this.historyTimer);
    if (this.ready) return;
    if (messages !== null) {
      var pending = this.outbox.slice();
      this.log.textContent = "";
      var lastUser = -1;
      for (var k = 0; k < messages.length; k++) {
        if (messages[k] && messages[k].sender === "user") lastUser = k;
      }
      this.replyAnchor = null;
      // With no marker yet (a conversation from before markers), nothing counts as new.
      var seen = this.seen;
      var firstNew = null;
      var newCount = 0;
      for (var i = 0; i < messages.length; i++) {
        var message = messages[i] || {};
        if (message.sender === "user") {
          this.addUserBubble(String(message.text || ""));
          continue;
        }
        // Buttons stay usable only on the replies still waiting for an answer.
        var item = this.addBotMessage(message, { live: false, quickReplies: i > lastUser });
        var emergency = item && item.classList.contains("tcw-msg--emergency");
        if (item && i > lastUser && (!this.replyAnchor || emergency)) this.replyAnchor = item;
        if (item && seen !== null && typeof message.timestamp === "number" && message.timestamp > seen) {
          newCount += 1;
          if (!firstNew) firstNew = { item: item, text: String(message.text || "") };
        }
      }
      // Messages typed while offline are not on the server yet: show them again.
      for (var j = 0; j < pending.length; j++) this.addUserBubble(pending[j].shown);
      if (firstNew) this.markNewFrom(firstNew.item);
      if (this.isOpen() || seen === null) {
        this.hideNudge();
        this.markSeen(this.latestShown());
      } else if (firstNew) {
        this.unseen = newCount;
        this.nudge.hidden = true; // the preview shows the first new message
        this.showNudge(firstNew.text);
      }
    }
    this.ready = true;
    this.greetIfEmpty();
    this.flushOutbox();
    this.scrollToEnd();
  };

  /** A new conversation starts with the silent greeting, once the chat is open. */
  Widget.prototype.greetIfEmpty = function () {
    var empty = this.log.children.length === 0 && this.outbox.length === 0;
    if (!empty || !this.isOpen() || this.greeted === this.sessionId) return;
    this.greeted = this.sessionId;
    if (config.initPayload) {
      this.emitMessage(config.initPayload);
      this.showTyping();
    }
  };

  /** Sends a message with the person's UTC offset, so check-ins come at their local time. */
  Widget.prototype.emitMessage = function (text) {
    this.socket.emit("user_uttered", {
      message: text,
      session_id: this.sessionId,
      metadata: { utc_offset_minutes: -new Date().getTimezoneOffset() },
    });
  };

  Widget.prototype.flushOutbox = function () {
    while (this.ready && this.outbox.length) this.emitMessage(this.outbox.shift().text);
  };

  Widget.prototype.newConversation = function () {
    this.sessionId = null;
    store(SESSION_KEY, null);
    this.seen = null;
    store(SEEN_KEY, null);
    this.greeted = null;
    this.log.textContent = "";
    this.outbox = [];
    this.hideTyping();
    if (this.socket && this.socket.connected) {
      this.ready = false;
      this.socket.emit("session_request", { session_id: null });
    } else {
      this.connect();
    }
    this.input.focus();
  };

  // Messages --------------------------------------------------------------------------

  Widget.prototype.sendTyped = function () {
    var text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.fitInput();
    this.send(text, text);
    this.input.focus();
  };

  /** Sends `text` (a typed message or a button's payload), showing `shown`. */
  Widget.prototype.send = function (text, shown) {
    text = text.slice(0, MAX_CHARS);
    this.clearQuickReplies();
    this.addUserBubble(shown);
    this.replyAnchor = null;
    this.outbox.push({ text: text, shown: shown });
    if (!this.socket) this.connect();
    else if (!this.socket.connected) this.setStatus("Not connected. Your message will be sent when the connection is back.");
    this.flushOutbox();
    this.showTyping();
    this.scrollToEnd();
  };

  Widget.prototype.onBotMessage = function (message) {
    if (!message || typeof message !== "object") return;
    var item = this.addBotMessage(message, { live: true, quickReplies: true });
    if (item && this.isOpen()) this.markSeen(message.timestamp);
    else if (item) {
      // Sent while the chat is closed (a check-in arriving): the launcher says so.
      this.unseen += 1;
      if (this.unseen === 1) this.markNewFrom(item);
      this.showNudge(typeof message.text === "string" && message.text ? message.text : CHART_ALT);
    }
    var self = this;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(function () {
      self.hideTyping();
    }, TYPING_QUIET_MS);
    // Read replies from their start; an emergency reply's call button always shows.
    var emergency = item && item.classList.contains("tcw-msg--emergency");
    if (item && (!this.replyAnchor || emergency)) this.replyAnchor = item;
    this.scrollToEnd();
  };

  Widget.prototype.addUserBubble = function (text) {
    var item = el("li", "tcw-msg tcw-msg--user");
    var bubble = el("div", "tcw-bubble");
    bubble.appendChild(el("span", "tcw-sr-only", "You said: "));
    bubble.appendChild(document.createTextNode(text));
    item.appendChild(bubble);
    this.log.appendChild(item);
  };

  Widget.prototype.addBotMessage = function (message, options) {
    var text = typeof message.text === "string" ? message.text : "";
    var replies = Array.isArray(message.quick_replies) ? message.quick_replies : [];
    var image = imageSource(message);
    if (!text && !replies.length && !image) return null;
    var self = this;
    var item = el("li", "tcw-msg tcw-msg--bot");
    if (typeof message.timestamp === "number" && isFinite(message.timestamp)) {
      item.setAttribute("data-ts", String(message.timestamp));
    }
    var bubble = el("div", "tcw-bubble");
    var numbers = text ? emergencyNumbers(text) : null;
    if (numbers) {
      item.className += " tcw-msg--emergency";
      if (options.live) item.setAttribute("role", "alert");
      bubble.appendChild(el("strong", "tcw-emergency-label", "Emergency"));
      if (numbers.length) {
        var calls = el("div", "tcw-calls");
        numbers.forEach(function (number) {
          var call = el("a", "tcw-call");
          call.href = telHref(number);
          call.appendChild(svg(PHONE_ICON));
          call.appendChild(document.createTextNode("Call " + number));
          calls.appendChild(call);
        });
        bubble.appendChild(calls);
      }
    } else {
      bubble.appendChild(el("span", "tcw-sr-only", "Assistant: "));
    }
    if (text) {
      var body = el("div", "tcw-text");
      appendLinkedText(body, text);
      bubble.appendChild(body);
    }
    if (image) {
      var picture = el("img", "tcw-image");
      picture.alt = CHART_ALT;
      picture.src = image;
      bubble.appendChild(picture);
    }
    item.appendChild(bubble);

    if (replies.length && options.quickReplies) {
      this.clearQuickReplies();
      var group = el("div", "tcw-quick");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Quick replies");
      replies.forEach(function (reply) {
        if (!reply || typeof reply.title !== "string" || typeof reply.payload !== "string") return;
        var button = el("button", "tcw-quick-button", reply.title);
        button.type = "button";
        button.addEventListener("click", function () {
          self.send(reply.payload, reply.title);
          self.input.focus();
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    this.log.appendChild(item);
    return item;
  };

  Widget.prototype.clearQuickReplies = function () {
    var groups = this.log.querySelectorAll(".tcw-quick");
    for (var i = 0; i < groups.length; i++) groups[i].remove();
  };

  // Typing indicator, input, scrolling --------------------------------------------------

  Widget.prototype.showTyping = function () {
    var self = this;
    this.typing.hidden = false;
    clearTimeout(this.typingTimer);
    clearTimeout(this.typingGiveUp);
    this.typingGiveUp = setTimeout(function () {
      self.hideTyping();
    }, TYPING_GIVE_UP_MS);
    this.scrollToEnd();
  };

  Widget.prototype.hideTyping = function () {
    clearTimeout(this.typingTimer);
    clearTimeout(this.typingGiveUp);
    this.typing.hidden = true;
  };

  Widget.prototype.fitInput = function () {
    var input = this.input;
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 140) + "px";
    var length = input.value.length;
    this.count.textContent = length >= COUNT_FROM ? length + " / " + MAX_CHARS + " characters" : "";
  };

  /**
   * Shows the newest messages, but never scrolls past the start of the replies (with
   * the person's own short message above them, for context).
   */
  Widget.prototype.scrollToEnd = function () {
    var log = this.log;
    var bottom = log.scrollHeight - log.clientHeight;
    var anchor = this.replyAnchor && this.replyAnchor.parentNode === log ? this.replyAnchor : null;
    if (!anchor) {
      log.scrollTop = bottom;
      return;
    }
    var top = anchor.offsetTop;
    var asked = anchor.previousElementSibling;
    if (asked && asked.classList.contains("tcw-msg--user") && top - asked.offsetTop <= CONTEXT_PX) {
      top = asked.offsetTop;
    }
    log.scrollTop = Math.min(bottom, top - 8);
  };

  function start() {
    window.triageChat = new Widget();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
