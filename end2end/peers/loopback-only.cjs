// Preload (`node --require ./loopback-only.cjs ...`) that forces every TCP
// server in the process to listen on 127.0.0.1 when the program gave no host.
//
// Why: @modelcontextprotocol/server-everything calls `app.listen(PORT)` with no
// host, so it binds `::` (all interfaces, dual-stack) and has no env/arg to
// change that. Tests here must only be reachable on loopback.
"use strict";
const net = require("node:net");

const HOST = process.env.LISTEN_HOST || "127.0.0.1";
const isPort = (v) =>
  typeof v === "number" || (typeof v === "string" && v !== "" && !Number.isNaN(Number(v)));

const origListen = net.Server.prototype.listen;
net.Server.prototype.listen = function patchedListen(...args) {
  if (args.length === 0 || typeof args[0] === "function") {
    // listen() / listen(cb): random port on all interfaces -> loopback
    args.unshift(0, HOST);
  } else if (isPort(args[0])) {
    if (typeof args[1] !== "string") args.splice(1, 0, HOST);
  } else if (args[0] && typeof args[0] === "object" && !args[0].path && !args[0].fd && !args[0].handle && !args[0]._handle) {
    if (!args[0].host) args[0] = { ...args[0], host: HOST };
  }
  return origListen.apply(this, args);
};
