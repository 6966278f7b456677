// What the browser tests of video meetings share: Chromium's flags for a
// fake camera and microphone, an init script that keeps every
// RTCPeerConnection a page makes, and WebRTC's own statistics of them.
// Used by tests/e2e/video.test.mjs and tests/e2e/meeting_journey.test.mjs.
import assert from 'node:assert/strict';

export const VIDEO_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];

// Keeps every RTCPeerConnection the pages of `ctx` make, to read their
// statistics (window.testConnections).
export async function keepConnections(ctx) {
  await ctx.addInitScript(() => {
    const Original = window.RTCPeerConnection;
    if (!Original) return;
    window.testConnections = [];
    window.RTCPeerConnection = function (...args) {
      const pc = new Original(...args);
      window.testConnections.push(pc);
      return pc;
    };
    window.RTCPeerConnection.prototype = Original.prototype;
  });
}

// What each open connection of the page receives, from getStats().
export function mediaStats(page) {
  return page.evaluate(async () => {
    const out = [];
    for (const pc of window.testConnections || []) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      const row = { state: pc.connectionState, audio: 0, video: 0, local: null, remote: null };
      stats.forEach((s) => {
        if (s.type === 'inbound-rtp' && (s.kind === 'audio' || s.kind === 'video')) {
          row[s.kind] += s.bytesReceived || 0;
          if (s.kind === 'video') row.frames = s.framesDecoded || 0;
        }
        if (s.type === 'transport' && s.selectedCandidatePairId) {
          const pair = stats.get(s.selectedCandidatePairId);
          row.local = stats.get(pair.localCandidateId)?.candidateType;
          row.remote = stats.get(pair.remoteCandidateId)?.candidateType;
        }
      });
      out.push(row);
    }
    return out;
  });
}

// Each of `people` ({name, page, errors}) has a connection to each of
// the `others` others, connected, and sound and picture keep arriving on
// every one of them over TURN relays at both ends. `diag(text)` reports
// the figures; `why()` adds context to a failure.
export async function assertMediaFlows(people, others, { diag = () => {}, why = () => '' } = {}) {
  const first = [];
  for (const p of people) {
    let stats = [];
    const deadline = Date.now() + 60000;
    for (;;) {
      stats = await mediaStats(p.page);
      const live = stats.filter((s) => s.state === 'connected' && s.audio > 0 && s.video > 0);
      if (live.length === others) break;
      if (Date.now() > deadline) {
        assert.fail(`${p.name}: ${JSON.stringify(stats)}\nerrors: ${p.errors.join('\n')}\n${why()}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    first.push(stats.filter((s) => s.state === 'connected'));
  }
  await new Promise((r) => setTimeout(r, 2000));
  for (const [i, p] of people.entries()) {
    const later = (await mediaStats(p.page)).filter((s) => s.state === 'connected');
    diag(`${p.name}: ${JSON.stringify(later)}`);
    assert.equal(later.length, others, `${p.name} has a connection to each of the others`);
    for (const [k, s] of later.entries()) {
      assert.ok(s.audio > first[i][k].audio, `${p.name}: audio keeps arriving`);
      assert.ok(s.video > first[i][k].video, `${p.name}: video keeps arriving`);
      assert.ok(s.frames > 0, `${p.name}: video frames are decoded`);
      assert.equal(s.local, 'relay', `${p.name}: the media goes through TURN`);
      assert.equal(s.remote, 'relay', `${p.name}: the other side's too`);
    }
  }
}
