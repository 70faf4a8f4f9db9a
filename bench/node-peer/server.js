// The fan-out peer of `./sonde bench fanout`, as the seed guide gives it: an express app with a
// ws 8 WebSocket server whose message handler sends each message to every connected client whose
// readyState is OPEN. The publisher is one more client (it receives its own messages too).
// Usage: node server.js PORT   (listens on 127.0.0.1 only; prints "listening PORT" when ready)
'use strict';

const http = require('http');
const express = require('express');
const { WebSocketServer, WebSocket } = require('ws');

const port = Number(process.argv[2] || 8090);
const app = express();
app.get('/health', (req, res) => res.json({ clients: wss.clients.size }));

const server = http.createServer(app);
// perMessageDeflate is off by default in ws 8; said explicitly since the bench asks for no compression.
const wss = new WebSocketServer({ server, perMessageDeflate: false });

wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    wss.clients.forEach((client) => {
      if (client.readyState === WebSocket.OPEN) {
        client.send(data, { binary: isBinary });
      }
    });
  });
});

server.listen(port, '127.0.0.1', () => console.log(`listening ${port}`));

const stop = () => {
  wss.clients.forEach((client) => client.terminate());
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
