// The operator console's only script: live updates over Server-Sent Events and JSON posts for the buttons.
// Plain JavaScript, no build step, no library; every text it shows goes through textContent, never markup.
'use strict';

(function () {
  const status = document.getElementById('status');
  const say = (text) => {
    if (status) status.textContent = text;
  };

  async function post(url, body) {
    const res = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body || {}),
    });
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((answer.error && answer.error.message) || answer.message || `HTTP ${res.status}`);
    return answer;
  }

  // Re-render the current view in place from the server (same URL), keeping focus and scroll.
  let refreshing = null;
  function refresh() {
    const main = document.getElementById('main');
    if (
      !main ||
      main.dataset.live !== 'yes' ||
      document.getElementById('transcript') ||
      document.getElementById('events')
    )
      return;
    if (refreshing) return;
    refreshing = setTimeout(async () => {
      try {
        const res = await fetch(location.href, { credentials: 'same-origin' });
        const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
        const fresh = doc.getElementById('main');
        if (fresh) main.replaceChildren(...fresh.childNodes);
      } finally {
        refreshing = null;
      }
    }, 250);
  }

  document.addEventListener('click', async (ev) => {
    const button = ev.target.closest('button[data-post]');
    if (!button) return;
    button.disabled = true;
    try {
      await post(button.dataset.post, JSON.parse(button.dataset.body || '{}'));
      say(`${button.textContent}: done`);
      refreshing = null;
      refresh();
    } catch (err) {
      say(`${button.textContent}: ${err.message}`);
    } finally {
      button.disabled = false;
    }
  });

  document.addEventListener('submit', async (ev) => {
    const form = ev.target;
    if (form.dataset.login) {
      ev.preventDefault();
      try {
        await post(form.dataset.login, { name: form.elements.name.value, token: form.elements.token.value });
        location.assign('/console');
      } catch (err) {
        say(`Login refused: ${err.message}`);
      }
    } else if (form.dataset.post) {
      ev.preventDefault();
      await post(form.dataset.post, {}).catch(() => undefined);
      location.assign('/console');
    }
  });

  function line(list, text, kind) {
    const li = document.createElement('li');
    li.textContent = text;
    if (kind) li.className = kind;
    list.append(li);
    return li;
  }

  const transcript = document.getElementById('transcript');
  if (transcript) {
    const source = new EventSource(transcript.dataset.stream);
    const silence = document.createElement('p');
    silence.className = 'silence';
    transcript.after(silence);
    source.addEventListener('line', (m) => {
      const l = JSON.parse(m.data);
      line(transcript, l.text, l.kind);
      silence.textContent = '';
    });
    source.addEventListener('silence', (m) => {
      const s = JSON.parse(m.data);
      silence.textContent = `Silent for ${Math.round(s.silentMs / 1000)} s (the stall detector stops it after ${s.stallTimeoutSec} s).`;
    });
    source.addEventListener('end', (m) => {
      const e = JSON.parse(m.data);
      line(transcript, `== ended: ${e.outcome}${e.reason ? ` (${e.reason})` : ''}`, 'end');
      const outcome = document.getElementById('outcome');
      if (outcome) outcome.textContent = e.outcome;
      source.close();
    });
  }

  if (document.body.dataset.view && document.body.dataset.view !== 'login') {
    const events = document.getElementById('events');
    const after = events ? events.dataset.after : '$';
    const source = new EventSource(`/console/stream?after=${encodeURIComponent(after)}`);
    source.addEventListener('event', (m) => {
      const e = JSON.parse(m.data);
      if (events) {
        const f = (events.dataset.filter || '').toLowerCase();
        if (!f || e.type.toLowerCase().includes(f) || (e.ticket || '').toLowerCase() === f) {
          const li = document.createElement('li');
          li.textContent = e.text;
          li.dataset.type = e.type;
          events.prepend(li);
        }
      } else refresh();
    });
  }
})();
