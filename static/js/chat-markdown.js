// Markdown for an answer while it streams: a small subset of CommonMark rendered to look like the
// server's markdown-it + nh3 output, so the swap to the server's HTML at the `end` frame shows no
// jump. Safe by construction: every piece of text is escaped before it becomes HTML, and only the
// tags written below (links with http(s) addresses only) are produced.
(function () {
  "use strict";

  var FENCE = /^ {0,3}(`{3,}|~{3,})/;
  var HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
  var RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
  var QUOTE = /^ {0,3}> ?(.*)$/;
  var BULLET = /^( {0,3})([-*+])( +)(.*)$/;
  var ORDERED = /^( {0,3})(\d{1,9})([.)])( +)(.*)$/;
  var TABLE_RULE = /^ {0,3}\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?$|^ {0,3}\|?[ \t]*:?-+:?[ \t]*\|[ \t]*:?-+:?/;

  function escape(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  // Links on text that is already escaped, in one pass: an href is written once and never scanned
  // again (a second pattern run over the output could close its quotes and add attributes).
  var LINK = /\[([^\]\n]+)\]\((https?:\/\/[^\s()]+)\)|&lt;(https?:\/\/[^\s&]+)&gt;/g;
  var LINK_ATTRS = '" rel="noopener noreferrer nofollow">';

  function emphasis(text) {
    var out = "", last = 0, match;
    LINK.lastIndex = 0;
    while ((match = LINK.exec(text))) {
      out += styled(text.slice(last, match.index));
      out += match[2] ? '<a href="' + match[2] + LINK_ATTRS + styled(match[1]) + "</a>"
        : '<a href="' + match[3] + LINK_ATTRS + match[3] + "</a>";
      last = LINK.lastIndex;
    }
    return out + styled(text.slice(last));
  }

  // Emphasis on escaped text outside any link's address (so markers never meet raw HTML).
  function styled(text) {
    return text
      .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, "<strong>$1</strong>")
      .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, "$1<strong>$2</strong>")
      .replace(/\*(?=[^\s*])([^*]*?[^\s*])\*/g, "<em>$1</em>")
      .replace(/(^|[^\w])_(?=[^\s_])([^_]*?[^\s_])_(?!\w)/g, "$1<em>$2</em>")
      .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "$1")  // the server's sanitiser drops <s>, keeping the text
      .replace(/(?: {2,}|\\)\n/g, "<br>\n");
  }

  // Code spans first (their content is only escaped), then emphasis on the rest.
  function inline(text) {
    var out = "", rest = text, match;
    while ((match = /(`+)([\s\S]*?[^`])\1(?!`)/.exec(rest))) {
      out += emphasis(escape(rest.slice(0, match.index)));
      var code = match[2].replace(/\n/g, " ");
      if (/^ .*[^ ].* $/.test(code)) code = code.slice(1, -1);
      out += "<code>" + escape(code) + "</code>";
      rest = rest.slice(match.index + match[0].length);
    }
    return out + emphasis(escape(rest));
  }

  function cells(line) {
    return line.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map(function (cell) { return cell.trim(); });
  }

  function table(lines, i) {
    var head = cells(lines[i]), html = "<table>\n<thead>\n<tr>\n";
    head.forEach(function (cell) { html += "<th>" + inline(cell) + "</th>\n"; });
    html += "</tr>\n</thead>\n";
    var j = i + 2, body = "";
    while (j < lines.length && lines[j].trim() && lines[j].indexOf("|") !== -1) {
      var row = cells(lines[j]);
      body += "<tr>\n";
      head.forEach(function (_, k) { body += "<td>" + inline(row[k] || "") + "</td>\n"; });
      body += "</tr>\n";
      j += 1;
    }
    if (body) html += "<tbody>\n" + body + "</tbody>\n";
    return { html: html + "</table>\n", next: j };
  }

  function startsBlock(line) {
    return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) ||
      BULLET.test(line) || ORDERED.test(line);
  }

  function list(lines, i) {
    var first = BULLET.exec(lines[i]) || ORDERED.exec(lines[i]);
    var ordered = !BULLET.test(lines[i]);
    var marker = ordered ? first[3] : first[2];
    var items = [], loose = false, j = i;
    while (j < lines.length) {
      var m = ordered ? ORDERED.exec(lines[j]) : BULLET.exec(lines[j]);
      if (!m || (ordered ? m[3] : m[2]) !== marker || RULE.test(lines[j])) break;
      var width = m[1].length + (ordered ? m[2].length + 1 : 1) + m[ordered ? 4 : 3].length;
      var content = [ordered ? m[5] : m[4]];
      j += 1;
      while (j < lines.length) {
        var line = lines[j];
        if (!line.trim()) {
          var next = lines[j + 1];
          if (next !== undefined && /^\s/.test(next) && next.trim()) { content.push(""); j += 1; continue; }
          if (next !== undefined && (ordered ? ORDERED : BULLET).test(next)) loose = true;
          break;
        }
        var indent = /^ */.exec(line)[0].length;
        if (indent >= width) content.push(line.slice(width));
        else if (!startsBlock(line)) content.push(line);  // a lazy continuation of the paragraph
        else break;
        j += 1;
      }
      items.push(content);
      if (j < lines.length && !lines[j].trim()) j += 1;
    }
    var html = ordered ? "<ol>\n" : "<ul>\n";  // no `start`: the server's sanitiser drops it
    items.forEach(function (content) {
      var inner = blocks(content, !loose);
      html += "<li>" + (loose ? "\n" : "") + inner.replace(/\n$/, "") + "</li>\n";
    });
    return { html: html + (ordered ? "</ol>\n" : "</ul>\n"), next: j };
  }

  // Block structure, line by line; `tight` paragraphs (in a tight list item) have no <p>.
  // markdown-it stops nesting at 20 levels too; deeper quotes and lists are plain paragraphs.
  var MAX_DEPTH = 20;
  var depth = 0;

  function blocks(lines, tight) {
    if (depth >= MAX_DEPTH) return "<p>" + inline(lines.join("\n").trim()) + "</p>\n";
    depth += 1;
    try { return blockHtml(lines, tight); } finally { depth -= 1; }
  }

  function blockHtml(lines, tight) {
    var html = "", i = 0;
    while (i < lines.length) {
      var line = lines[i], match;
      if (!line.trim()) { i += 1; continue; }
      if ((match = FENCE.exec(line))) {
        var fence = match[1], code = [];
        i += 1;
        while (i < lines.length && !new RegExp("^ {0,3}" + fence[0] + "{" + fence.length + ",}[ \\t]*$").test(lines[i])) {
          code.push(lines[i]);
          i += 1;
        }
        i += 1;  // the closing fence (or the end of the text so far)
        html += "<pre><code>" + escape(code.length ? code.join("\n") + "\n" : "") + "</code></pre>\n";
      } else if (RULE.test(line)) {
        html += "<hr>\n";
        i += 1;
      } else if ((match = HEADING.exec(line))) {
        var level = match[1].length;
        html += "<h" + level + ">" + inline(match[2] || "") + "</h" + level + ">\n";
        i += 1;
      } else if (QUOTE.test(line)) {
        var quoted = [];
        while (i < lines.length && lines[i].trim() && (match = QUOTE.exec(lines[i]) || [null, lines[i]])) {
          quoted.push(match[1]);
          i += 1;
        }
        html += "<blockquote>\n" + blocks(quoted, false) + "</blockquote>\n";
      } else if (BULLET.test(line) || ORDERED.test(line)) {
        var result = list(lines, i);
        html += result.html;
        i = result.next;
      } else if (line.indexOf("|") !== -1 && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1])) {
        var grid = table(lines, i);
        html += grid.html;
        i = grid.next;
      } else if (/^(?: {4}|\t)/.test(line)) {
        var indented = [];
        while (i < lines.length && (/^(?: {4}|\t)/.test(lines[i]) || (!lines[i].trim() && /^(?: {4}|\t)/.test(lines[i + 1] || "")))) {
          indented.push(lines[i].replace(/^(?: {4}|\t)/, ""));
          i += 1;
        }
        html += "<pre><code>" + escape(indented.join("\n") + "\n") + "</code></pre>\n";
      } else {
        var paragraph = [];
        while (i < lines.length && lines[i].trim() && (!paragraph.length || !startsBlock(lines[i]))) {
          paragraph.push(lines[i].replace(/^ +/, ""));
          i += 1;
        }
        var text = inline(paragraph.join("\n").replace(/[ \t]+$/, ""));
        html += tight ? text + "\n" : "<p>" + text + "</p>\n";
      }
    }
    return html;
  }

  window.chatMarkdown = function (text) {
    var source = String(text || "");
    try {
      depth = 0;
      return blocks(source.replace(/\r\n?/g, "\n").split("\n"), false);
    } catch (error) {  // never let one odd answer stop the page: show it as escaped text
      return "<p>" + escape(source) + "</p>\n";
    }
  };
})();
