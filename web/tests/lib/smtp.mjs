// A tiny SMTP server on loopback for the browser tests' email flows: it speaks enough of
// the protocol for Weft's mailer (EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP,
// QUIT), keeps every message it receives, and decodes the text and HTML parts as Weft sends
// them (multipart/alternative, quoted-printable or base64). Plain Node `net`, no package.

import net from 'node:net';
import { WAIT } from './weft.mjs';

/**
 * Starts the sink on a free port of 127.0.0.1. Answers
 * { port, url, mails, waitFor(predicate, message), close() }; `url` is what `--smtp-url` takes.
 */
export async function startSmtpSink() {
  const mails = [];
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    session(socket, (mail) => mails.push(mail));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    /**
     * Polls the received mail until one satisfies `predicate` (newest first); answers it.
     * Fails after `timeout` ms with `message` and what did arrive.
     */
    async waitFor(predicate, message, timeout = WAIT) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const found = [...mails].reverse().find(predicate);
        if (found) return found;
        if (Date.now() > deadline) {
          const got = mails.map((m) => `${m.to.join(', ')}: ${m.subject}`).join('\n  ') || '(nothing)';
          throw new Error(`no such email after ${timeout} ms: ${message}; received:\n  ${got}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** One SMTP conversation: commands line by line, then the message until a lone dot. */
function session(socket, received) {
  let buffer = '';
  let inData = false;
  let data = [];
  let from = '';
  let to = [];
  const reply = (text) => socket.write(`${text}\r\n`);
  reply('220 sink.test ESMTP test sink');
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (inData) {
        if (line === '.') {
          inData = false;
          received(parse(from, to, data.join('\r\n')));
          data = [];
          reply('250 OK queued');
        } else {
          data.push(line.startsWith('.') ? line.slice(1) : line);
        }
        continue;
      }
      const upper = line.toUpperCase();
      if (upper.startsWith('EHLO')) reply('250-sink.test\r\n250-8BITMIME\r\n250 AUTH PLAIN');
      else if (upper.startsWith('HELO')) reply('250 sink.test');
      else if (upper.startsWith('AUTH PLAIN')) reply('235 2.7.0 Authentication successful');
      else if (upper.startsWith('MAIL FROM:')) {
        from = address(line);
        to = [];
        reply('250 OK');
      } else if (upper.startsWith('RCPT TO:')) {
        to.push(address(line));
        reply('250 OK');
      } else if (upper === 'DATA') {
        inData = true;
        reply('354 End data with <CR><LF>.<CR><LF>');
      } else if (upper === 'QUIT') {
        reply('221 Bye');
        socket.end();
      } else if (upper === 'RSET' || upper === 'NOOP') reply('250 OK');
      else reply('502 Command not implemented');
    }
  });
}

function address(line) {
  const m = /<([^>]*)>/.exec(line);
  return m ? m[1] : line.slice(line.indexOf(':') + 1).trim();
}

/** Headers, unfolded: [[name, value], …]. */
function headers(head) {
  const out = [];
  for (const line of head.split('\r\n')) {
    if (/^[ \t]/.test(line) && out.length) out[out.length - 1][1] += ` ${line.trim()}`;
    else if (line.includes(':')) out.push([line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]);
  }
  return out;
}

const get = (hs, name) => hs.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? '';

function decode(body, encoding) {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable': {
      const bytes = [];
      const soft = body.replace(/=\r\n/g, '');
      for (let i = 0; i < soft.length; i++) {
        const hex = soft.slice(i + 1, i + 3);
        if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
          bytes.push(parseInt(hex, 16));
          i += 2;
        } else {
          bytes.push(...Buffer.from(soft[i], 'utf8'));
        }
      }
      return Buffer.from(bytes).toString('utf8');
    }
    default:
      return body;
  }
}

/** An RFC 2047 encoded word (=?utf-8?b?…?= or =?utf-8?q?…?=) in a header, decoded. */
function decodeWords(value) {
  return value.replace(/=\?[^?]+\?([bBqQ])\?([^?]*)\?=\s*/g, (_, kind, text) =>
    kind.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : decode(text.replace(/_/g, ' '), 'quoted-printable'),
  );
}

/** A received message: { from, to, headers, subject, text, html, header(name), links() }. */
function parse(from, to, raw) {
  const split = raw.indexOf('\r\n\r\n');
  const head = split >= 0 ? raw.slice(0, split) : raw;
  const body = split >= 0 ? raw.slice(split + 4) : '';
  const hs = headers(head);
  const mail = {
    from,
    to,
    headers: hs,
    subject: decodeWords(get(hs, 'Subject')),
    text: '',
    html: '',
    header: (name) => get(hs, name),
    /** Every http(s) link in the text part. */
    links: () => [...mail.text.matchAll(/https?:\/\/[^\s<>"]+/g)].map((m) => m[0]),
  };
  const boundary = /boundary="?([^";]+)"?/.exec(get(hs, 'Content-Type'))?.[1];
  if (!boundary) {
    mail.text = decode(body, get(hs, 'Content-Transfer-Encoding'));
    return mail;
  }
  for (const part of body.split(`--${boundary}`).slice(1)) {
    const p = part.replace(/^\r\n/, '');
    const at = p.indexOf('\r\n\r\n');
    if (at < 0) continue;
    const ph = headers(p.slice(0, at));
    const decoded = decode(p.slice(at + 4).replace(/\r\n$/, ''), get(ph, 'Content-Transfer-Encoding')).replace(/\r\n/g, '\n');
    const type = get(ph, 'Content-Type').toLowerCase();
    if (type.startsWith('text/plain')) mail.text = decoded;
    else if (type.startsWith('text/html')) mail.html = decoded;
  }
  return mail;
}

/** The `weft serve` arguments that send its email through `sink`. */
export function mailArgs(sink) {
  return ['--smtp-url', sink.url, '--mail-from', 'Weft <weft@acme.test>'];
}
