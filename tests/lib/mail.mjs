// A real SMTP server (npm smtp-server) and a small SMS gateway, both on
// 127.0.0.1, that keep what arrives: the peers nara sends its notices to.
import http from 'node:http';
import { SMTPServer } from 'smtp-server';

export async function startMail() {
  const messages = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (d) => { raw += d; });
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom && session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          subject: decodeSubject(/^Subject: (.*)$/m.exec(raw)?.[1] ?? ''),
          body: raw.split(/\r?\n\r?\n/).slice(1).join('\n\n'),
          at: Date.now(),
        });
        callback();
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address();
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function decodeSubject(s) {
  const m = /^=\?UTF-8\?B\?(.*)\?=$/i.exec(s.trim());
  return m ? Buffer.from(m[1], 'base64').toString('utf8') : s.trim();
}

export async function startSms() {
  const messages = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const p = new URLSearchParams(body);
      messages.push({ to: p.get('to'), message: p.get('message'), at: Date.now() });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"status":"queued"}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/sms`,
    messages,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

// Waits until pred() holds or ms pass; returns pred()'s last value.
export async function waitFor(pred, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = pred();
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}
