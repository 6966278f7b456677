// A server-sent event stream read over plain HTTP, as the browser's
// EventSource would, for the integration tests and the benchmark:
// events come as { event, data, at } where at is performance.now() when
// the event's last line arrived.
import http from 'node:http';

export function openStream(base, path, cookie = '') {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const req = http.get(url, { headers: { Cookie: cookie, Accept: 'text/event-stream' }, agent: false });
    req.on('error', reject);
    req.on('response', (res) => {
      const stream = {
        status: res.statusCode,
        headers: res.headers,
        raw: '',
        events: [],
        waiters: [],
        closed: false,
        close() { req.destroy(); res.destroy(); },
        // Resolves with the first event (from index `from` on) that pred
        // accepts; rejects after ms.
        next(pred = () => true, ms = 5000, from = 0) {
          const found = this.events.slice(from).find(pred);
          if (found) return Promise.resolve(found);
          return new Promise((ok, fail) => {
            const w = { pred, ok };
            const timer = setTimeout(() => {
              this.waiters = this.waiters.filter((x) => x !== w);
              fail(new Error(`no matching event within ${ms} ms; stream so far: ${JSON.stringify(this.raw)}`));
            }, ms);
            w.ok = (e) => { clearTimeout(timer); ok(e); };
            this.waiters.push(w);
          });
        },
      };
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        stream.raw += chunk;
        pending += chunk;
        let end;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const e = { event: 'message', data: '', comment: false, at: performance.now() };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) e.comment = true;
            else if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('data: ')) e.data += line.slice(6);
            else if (line.startsWith('retry: ')) e.retry = Number(line.slice(7));
          }
          stream.events.push(e);
          for (const w of [...stream.waiters]) {
            if (w.pred(e)) {
              stream.waiters = stream.waiters.filter((x) => x !== w);
              w.ok(e);
            }
          }
        }
      });
      res.on('end', () => { stream.closed = true; });
      res.on('error', () => { stream.closed = true; });
      resolve(stream);
    });
  });
}
