// app.js - the page of `e2e-chat web`. It talks only to the e2e-chat
// process that served it (same origin): every call carries this launch's
// token, read from the link's fragment, in the X-E2E-Token header.
// Text from other members and every name is put in the page with
// textContent only: nothing received is ever parsed as HTML.
'use strict';

const token = location.hash.slice(1);
const state = { me: '', current: null, since: {}, last: 0, admitted: false, admin: false };

function $(id) { return document.getElementById(id); }

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// Once this launch's server is gone (a request fails to connect, or the
// token is refused: another launch, or another program, now has the
// port), the page sends nothing more, to anyone: what listens on the
// port next could be another local user's, and would be handed the
// token and any room password typed here. Open the new link instead.
let stopped = false;

function serverStopped(why) {
  if (stopped) return;
  stopped = true;
  for (const id of ['join-room', 'join-password', 'join-submit', 'send-text', 'send-submit'])
    $(id).disabled = true;
  $('join-password').value = '';
  setConn(false, 'stopped');
  notice('This page\'s e2e-chat web has stopped (' + why + '): it sends nothing more. ' +
         'Open the link the next e2e-chat web prints.');
}

async function api(name, args) {
  if (stopped) throw new Error('this page\'s e2e-chat web has stopped');
  let r;
  try {
    r = await fetch('/api/' + name, {
    method: 'POST', cache: 'no-store', credentials: 'omit',
      headers: { 'X-E2E-Token': token, 'Content-Type': 'application/json' },
      body: JSON.stringify(args || {}),
    });
  } catch (e) {
    serverStopped('no answer');
    throw e;
  }
  if (r.status === 401) serverStopped('this page\'s key was refused');
  if (r.status === 503) serverStopped('it is shutting down');
  let body = {};
  try { body = await r.json(); } catch (e) { body = {}; }
  if (!r.ok) throw new Error(body.message || ('HTTP ' + r.status));
  return body;
}

function notice(text) {
  const n = $('notice');
  n.textContent = text;
  n.hidden = !text;
}

function setConn(ok, text) {
  const c = $('conn');
  c.textContent = text;
  c.classList.toggle('bad', !ok);
}

// A line told again (the relay repeats what every step refuses) is
// counted on its first showing, not added again: the band stays short.
function security(text) {
  $('security').hidden = false;
  for (const li of $('security-list').children) {
    if (li.dataset.text !== text) continue;
    const c = li.querySelector('.count');
    c.dataset.count = String(Number(c.dataset.count) + 1);
    c.textContent = ' (told ' + c.dataset.count + ' times)';
    return;
  }
  const li = el('li');
  li.dataset.text = text;
  li.appendChild(el('span', null, text));
  const c = el('span', 'count', '');
  c.dataset.count = '1';
  li.appendChild(c);
  $('security-list').appendChild(li);
}

function roomItem(room) {
  for (const li of $('rooms').children) if (li.dataset.room === room) return li;
  return null;
}

function renderRooms(rooms) {
  const ul = $('rooms');
  ul.replaceChildren();
  for (const r of rooms) {
    const li = el('li');
    li.dataset.room = r.room;
    li.appendChild(el('span', 'name', r.room + (r.role === 'admin' ? ' ★' : '')));
    const u = el('span', 'unread', String(r.unread));
    u.classList.toggle('none', !r.unread || r.room === state.current);
    li.appendChild(u);
    li.classList.toggle('current', r.room === state.current);
    li.addEventListener('click', () => openRoom(r.room));
    ul.appendChild(li);
  }
}

async function refreshRooms() {
  const s = await api('state');
  state.me = s.me;
  $('me').textContent = s.me + ' @ ' + s.relay;
  renderRooms(s.rooms);
  return s;
}

function two(n) { return String(n).padStart(2, '0'); }

function timeText(ms) {
  const d = new Date(ms);
  return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
}

function addLine(li) {
  const box = $('messages');
  const atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
  box.appendChild(li);
  if (atEnd) box.scrollTop = box.scrollHeight;
}

function showMessage(m) {
  const li = el('li', 'msg' + (m.mine ? ' mine' : ''));
  li.dataset.seq = String(m.seq);
  li.appendChild(el('span', 'time', timeText(m.time)));
  if (m.verified) li.appendChild(el('span', 'mark', '✓'));
  if (m.keys_changed) li.appendChild(el('span', 'changed', 'KEYS CHANGED'));
  li.appendChild(el('span', 'sender', m.sender));
  li.appendChild(el('span', 'text', m.leave ? '(left the room)' : m.text));
  addLine(li);
}

function showEvent(text) {
  addLine(el('li', 'event', '* ' + text));
}

function setRoomStatus(r) {
  const parts = [];
  const st = $('room-status');
  state.admitted = r.admitted && !r.ended;
  state.admin = r.admin;
  if (r.ended) parts.push('This session has ended.');
  else if (!r.admitted) parts.push('Waiting for an admin to admit you…');
  else parts.push(r.admin ? 'You are an admin of this room.' : 'You are a member.');
  if (r.away) parts.push('The relay is away: retrying.');
  if (r.queued) parts.push(r.queued + ' message(s) queued.');
  st.textContent = parts.join(' ');
  st.classList.toggle('ended', !!r.ended);
  $('send-text').disabled = !state.admitted;
  $('send-submit').disabled = !state.admitted;
  $('admin').hidden = !r.admin || !!r.ended;
}

async function openRoom(room) {
  notice('');
  let r;
  try { r = await api('open', { room }); } catch (e) { notice(e.message); return; }
  state.current = room;
  state.since[room] = r.last;
  $('room-title').textContent = room;
  $('messages').replaceChildren();
  for (const m of r.messages) showMessage(m);
  setRoomStatus(r);
  for (const li of $('rooms').children) {
    li.classList.toggle('current', li.dataset.room === room);
    if (li.dataset.room === room) li.querySelector('.unread').classList.add('none');
  }
  if (!roomItem(room)) refreshRooms().catch(() => {});
  refreshMembers();
}

function actionButton(label, cls, call, args) {
  const b = el('button', cls, label);
  b.type = 'button';
  b.addEventListener('click', async () => {
    try {
      const r = await api(call, args);
      if (r.fingerprint) $('fingerprint').textContent = r.name + ': ' + r.fingerprint + ' (' + r.trust + ')';
      refreshMembers();
    } catch (e) { notice(e.message); }
  });
  return b;
}

async function refreshMembers() {
  const room = state.current;
  if (!room) return;
  let r;
  try { r = await api('members', { room }); } catch (e) { return; }
  if (room !== state.current) return;
  const ul = $('members');
  ul.replaceChildren();
  for (const m of r.members) {
    const li = el('li');
    li.dataset.name = m.name;
    li.dataset.status = m.status;
    li.appendChild(el('span', 'sender', m.name));
    li.appendChild(el('span', 'badge', m.status + (m.admin ? ', admin' : '') + (m.you ? ', you' : '')));
    if (m.status === 'admitted' && !m.you) li.appendChild(el('span', m.trust === 'verified' ? 'mark' : m.trust === 'KEYS-CHANGED' ? 'changed' : 'badge', m.trust));
    li.appendChild(el('div', 'fp', m.fingerprint));
    const args = { room, name: m.name };
    if (m.status === 'admitted' && !m.you) {
      li.appendChild(actionButton('Verify', 'verify', 'verify', args));
      li.appendChild(actionButton('Accept as verified', 'accept', 'verify', { room, name: m.name, accept: true }));
    }
    if (state.admin && !m.you) {
      if (m.status === 'pending') {
        li.appendChild(actionButton('Approve', 'approve', 'approve', args));
        li.appendChild(actionButton('Deny', 'deny', 'deny', args));
      } else if (m.status === 'admitted') {
        li.appendChild(actionButton('Kick and ban', 'kick', 'kick', args));
        li.appendChild(m.admin ? actionButton('No longer admin', 'unadmin', 'admin', { room, name: m.name, remove: true })
                               : actionButton('Make admin', 'make-admin', 'admin', args));
      }
    }
    ul.appendChild(li);
  }
  const banned = $('banned');
  banned.replaceChildren();
  for (const b of r.banned || []) {
    const li = el('li');
    li.dataset.name = b.name;
    li.appendChild(el('span', 'sender', b.name));
    li.appendChild(el('div', 'fp', b.fingerprint));
    li.appendChild(actionButton('Unban', 'unban', 'unban', { room, who: b.fingerprint }));
    banned.appendChild(li);
  }
}

/* The new room password crosses once, to the local e2e-chat; the field is
   emptied at once, whatever the answer. */
async function changePassword(ev) {
  ev.preventDefault();
  const box = $('new-password');
  const password = box.value;
  box.value = '';
  if (!password || !state.current) return;
  try {
    await api('password', { room: state.current, password });
    notice('The room password changed: new members need the new one.');
  } catch (err) { notice(err.message); }
}

const memberWords = {
  joined: n => n + ' joined',
  departed: (n, e) => n + (e.left ? ' left the room' : ' was removed'),
  rekeyed: n => n + "'s keys changed",
  epoch: (n, e) => 'new epoch ' + e.epoch,
};
const creatorWords = {
  admitted: n => 'admitted ' + n,
  dropped: n => n + ' is no longer a member',
  waiting: n => n + ' waits for your approval',
};
const noticeWords = {
  relay_away: e => 'The relay is away (' + (e.detail || '') + '); retrying.',
  relay_back: () => 'The relay answers again.',
  queued: e => e.value + ' message(s) queued: sent once the relay answers.',
  queue_sent: () => 'Queued messages sent.',
  epoch_began: e => 'Epoch ' + e.value + ' began.',
  send_failed: e => 'Not sent yet: ' + (e.detail || ''),
  admin_failed: e => 'The room state you signed did not take: ' + (e.detail || '') +
    ' (signed again on every step).',
};

function handle(ev) {
  const here = ev.room === state.current && ev.id > (state.since[ev.room] || 0);
  switch (ev.type) {
  case 'message':
    if (here) showMessage(ev);
    else if (ev.room !== state.current && !ev.mine) {
      const li = roomItem(ev.room);
      if (li) {
        const u = li.querySelector('.unread');
        u.textContent = String(Number(u.textContent) + 1);
        u.classList.remove('none');
      } else refreshRooms().catch(() => {});
    }
    break;
  case 'member':
    if (here) { showEvent(memberWords[ev.event](ev.name, ev)); refreshMembers(); }
    break;
  case 'creator':
    if (here) { showEvent(creatorWords[ev.event](ev.name)); refreshMembers(); }
    break;
  case 'notice':
    if (here) notice((noticeWords[ev.notice] || (e => e.notice))(ev));
    setConn(ev.notice !== 'relay_away', ev.notice === 'relay_away' ? 'relay away' : 'connected');
    break;
  case 'room':
    if (here) { setRoomStatus(ev); if (ev.admitted) refreshMembers(); }
    break;
  case 'ended':
    if (ev.room === state.current) {
      showEvent('Session ended: ' + ev.message);
      notice(ev.room + ': ' + ev.message);
      $('members').replaceChildren();
    }
    refreshRooms().catch(() => {});
    break;
  case 'security':
    security(ev.text);
    break;
  }
}

function pause(ms) { return new Promise(resolve => setTimeout(resolve, ms)); }

async function follow() {
  while (!stopped) {
    let r;
    try {
      r = await fetch('/api/events?after=' + state.last, {
        cache: 'no-store', credentials: 'omit', headers: { 'X-E2E-Token': token },
      });
    } catch (e) {
      serverStopped('no answer');
      return;
    }
    if (r.status === 401) { serverStopped('this page\'s key was refused'); return; }
    /* 503 is what this page's server answers while it shuts down */
    if (r.status === 503) { serverStopped('it is shutting down'); return; }
    try {
      if (!r.ok) { setConn(false, 'refused (' + r.status + ')'); await pause(2000); continue; }
      const b = await r.json();
      if (b.stopping) { serverStopped('it stopped'); return; }
      setConn(true, 'connected');
      if (b.reset) {
        state.last = b.last;
        await refreshRooms();
        if (state.current) await openRoom(state.current);
        continue;
      }
      for (const ev of b.events) handle(ev);
      state.last = b.last;
    } catch (e) {
      setConn(false, 'e2e-chat web is not answering');
      await pause(2000);
    }
  }
}

async function join(e) {
  e.preventDefault();
  const room = $('join-room').value.trim();
  const pw = $('join-password');
  const args = { room, approve: $('join-approve').checked, history: $('join-history').value };
  if (pw.value) args.password = pw.value;
  pw.value = '';
  $('join-submit').disabled = true;
  notice('Entering ' + room + '…');
  try {
    await api('join', args);
    notice('');
    await refreshRooms();
    await openRoom(room);
  } catch (err) {
    notice(err.message);
  } finally {
    $('join-submit').disabled = false;
  }
}

async function send(e) {
  e.preventDefault();
  const box = $('send-text');
  const text = box.value;
  if (!text || !state.current) return;
  try {
    await api('send', { room: state.current, text });
    box.value = '';
  } catch (err) { notice(err.message); }
}

async function start() {
  $('join-form').addEventListener('submit', join);
  $('send-form').addEventListener('submit', send);
  $('admit').addEventListener('click', () => api('admit', { room: state.current }).catch(e => notice(e.message)));
  $('rotate').addEventListener('click', () => api('rotate', { room: state.current }).catch(e => notice(e.message)));
  $('password-form').addEventListener('submit', changePassword);
  if (!token) { notice('Open the link that e2e-chat web printed: it holds the key to this page.'); return; }
  try {
    const s = await refreshRooms();
    state.last = s.last;
    setConn(true, 'connected');
  } catch (e) {
    if (!stopped) {
      notice(e.message);
      setConn(false, 'refused');
    }
    return;
  }
  follow();
}

start();
