// Shared by the lobby, counter and phone pages: the page's configuration,
// the server's clock and small DOM helpers. The websocket and the board it
// keeps are board.js, shared with the console and the rating tablet.
"use strict";
window.Motcua = (function () {
  const cfg = JSON.parse(document.getElementById("config").textContent);
  const offset = cfg.now - Date.now(); // server clock minus this screen's clock

  function serverNow() { return Date.now() + offset; }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // restart re-runs a CSS animation by toggling its class.
  function restart(node, cls) {
    node.classList.remove(cls);
    void node.offsetWidth;
    node.classList.add(cls);
  }

  return { cfg, serverNow, el, restart };
})();
