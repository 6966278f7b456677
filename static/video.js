// A video meeting in the browser (/mote/{id}); the page without this
// script explains that video needs JavaScript and offers the telephone.
//
// Every participant's browser connects to each of the others (a mesh:
// with three people, two connections each). nara carries the messages
// that set the connections up; the sound and picture go between the
// browsers, through the TURN server nara names with credentials that end
// with the meeting.
//
//   1. "Join" asks for camera and microphone, then takes a seat
//      (POST /mote/{id}/in): a peer name, where to read messages from,
//      and the ICE servers.
//   2. The seat's "join" message reaches those already in the room; each
//      of them makes an offer to the newcomer, who answers. Only those
//      already seated offer, so two browsers never offer to each other
//      at once.
//   3. New messages are announced on an event stream
//      (/mote/{id}/handelser) and fetched in order (/mote/{id}/signal);
//      sends go one after another, so an offer always arrives before
//      its candidates.
'use strict';

(function () {
  const root = document.getElementById('video');
  if (!root || !window.RTCPeerConnection || !navigator.mediaDevices ||
      !window.EventSource || !window.fetch) return;
  const base = '/mote/' + root.dataset.booking;
  const t = root.dataset;
  const status = document.getElementById('video-status');
  const ready = document.getElementById('video-ready');
  const joinButton = document.getElementById('video-join');
  const call = document.getElementById('video-call');
  const grid = document.getElementById('video-grid');
  const self = document.getElementById('video-self');
  const muteButton = document.getElementById('video-mute');
  const cameraButton = document.getElementById('video-camera');
  const leaveButton = document.getElementById('video-leave');
  const csrfField = document.querySelector('input[name="csrf"]');
  const csrf = csrfField ? csrfField.value : '';

  let local = null;     // the camera and microphone
  let seat = null;      // {peer, after, iceServers, relayOnly}
  let last = 0;         // the last message read
  let source = null;    // the event stream
  let reading = false;
  let readAgain = false;
  let sending = Promise.resolve();
  let done = false;
  const peers = new Map(); // peer name -> {pc, tile, role}

  function say(text) { status.textContent = text; }
  function fill(text, name) { return text.replace('{name}', name); }
  function roleName(role) { return t[role] || role; }

  ready.hidden = false;

  function post(path, body) {
    return fetch(base + path, {
      method: 'POST',
      credentials: 'same-origin',
      keepalive: true,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body),
    });
  }

  // Messages leave in the order they were made.
  function send(msg) {
    if (!seat) return Promise.resolve();
    sending = sending.then(() => post('/signal?plats=' + seat.peer, msg))
      .then((res) => { if (res.status === 403) stop(t.failed); })
      .catch(() => {});
    return sending;
  }

  function tile(peer, role) {
    const li = document.createElement('li');
    li.className = 'nara-video-tile';
    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute('aria-label', roleName(role));
    const label = document.createElement('span');
    label.textContent = roleName(role);
    li.append(video, label);
    grid.append(li);
    return li;
  }

  function drop(peer) {
    const p = peers.get(peer);
    if (!p) return;
    p.pc.close();
    p.tile.remove();
    peers.delete(peer);
  }

  function connection(peer, role) {
    drop(peer);
    const pc = new RTCPeerConnection({
      iceServers: seat.iceServers,
      iceTransportPolicy: seat.relayOnly ? 'relay' : 'all',
    });
    const p = { pc, tile: tile(peer, role), role };
    peers.set(peer, p);
    for (const track of local.getTracks()) pc.addTrack(track, local);
    pc.onicecandidate = (e) => {
      if (e.candidate && e.candidate.candidate) {
        send({ type: 'candidate', to: peer, candidate: e.candidate.candidate,
               mid: e.candidate.sdpMid || '0', index: e.candidate.sdpMLineIndex || 0 });
      }
    };
    pc.ontrack = (e) => {
      const video = p.tile.querySelector('video');
      if (video.srcObject !== e.streams[0]) video.srcObject = e.streams[0];
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'connected') say(fill(t.joined, roleName(role)));
      // Lost for good (not a moment's "disconnected", which ICE mends).
      if (pc.connectionState === 'failed') say(t.failed);
    };
    return p;
  }

  async function handle(m) {
    const msg = m.msg;
    if (msg.type === 'join') {
      const p = connection(m.from, m.role);
      const offer = await p.pc.createOffer();
      await p.pc.setLocalDescription(offer);
      send({ type: 'offer', to: m.from, sdp: p.pc.localDescription.sdp });
    } else if (msg.type === 'offer') {
      const p = connection(m.from, m.role);
      await p.pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
      const answer = await p.pc.createAnswer();
      await p.pc.setLocalDescription(answer);
      send({ type: 'answer', to: m.from, sdp: p.pc.localDescription.sdp });
    } else if (msg.type === 'answer') {
      const p = peers.get(m.from);
      if (p) await p.pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
    } else if (msg.type === 'candidate') {
      const p = peers.get(m.from);
      if (p) {
        await p.pc.addIceCandidate({ candidate: msg.candidate, sdpMid: msg.mid,
                                     sdpMLineIndex: msg.index }).catch(() => {});
      }
    } else if (msg.type === 'leave') {
      if (peers.has(m.from)) say(fill(t.gone, roleName(m.role)));
      drop(m.from);
    }
  }

  // Reads what has come for this seat, in order; once at a time.
  async function read() {
    if (reading) { readAgain = true; return; }
    reading = true;
    try {
      do {
        readAgain = false;
        const res = await fetch(base + '/signal?plats=' + seat.peer + '&efter=' + last,
                                { credentials: 'same-origin' });
        if (res.status === 403) { stop(t.failed); return; }
        if (!res.ok) break;
        const list = await res.json();
        for (const m of list) {
          last = m.id;
          try { await handle(m); } catch (e) { /* one bad message spoils no other */ }
        }
        if (list.length >= 100) readAgain = true;
      } while (readAgain && !done);
    } catch (e) {
      // The network: the event stream reconnects and asks again.
    } finally {
      reading = false;
    }
  }

  function listen() {
    source = new EventSource(base + '/handelser?plats=' + seat.peer + '&efter=' + last);
    source.addEventListener('change', () => read());
    source.onopen = () => read();
  }

  function stop(text) {
    if (done) return;
    done = true;
    if (source) source.close();
    for (const peer of [...peers.keys()]) drop(peer);
    if (local) for (const track of local.getTracks()) track.stop();
    self.srcObject = null;
    call.hidden = true;
    say(text);
  }

  function leave() {
    if (done) return;
    if (seat) send({ type: 'leave' });
    stop(t.left);
  }

  joinButton.addEventListener('click', async () => {
    joinButton.disabled = true;
    say(t.joining);
    try {
      local = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    } catch (e) {
      joinButton.disabled = false;
      say(t.camera);
      return;
    }
    self.srcObject = local;
    const res = await fetch(base + '/in', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: '{}',
    }).catch(() => null);
    if (!res || !res.ok) {
      for (const track of local.getTracks()) track.stop();
      joinButton.disabled = false;
      say(t.failed);
      return;
    }
    seat = await res.json();
    last = seat.after;
    ready.hidden = true;
    call.hidden = false;
    say(t.waiting);
    listen();
    muteButton.focus();
  });

  // The button says what pressing it does next.
  function toggle(button, kind, offText, onText) {
    const off = button.dataset.off !== '1';
    for (const track of local ? local.getTracks() : []) {
      if (track.kind === kind) track.enabled = !off;
    }
    button.dataset.off = off ? '1' : '0';
    button.textContent = off ? onText : offText;
  }
  muteButton.addEventListener('click', () => toggle(muteButton, 'audio', t.mute, t.unmute));
  cameraButton.addEventListener('click',
    () => toggle(cameraButton, 'video', t.cameraOff, t.cameraOn));
  leaveButton.addEventListener('click', leave);
  window.addEventListener('pagehide', leave);
}());
