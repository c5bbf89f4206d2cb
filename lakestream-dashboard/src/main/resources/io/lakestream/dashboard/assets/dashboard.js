/*
 * Lakestream live dashboard. Vanilla JS, no build step; uPlot (window.uPlot) draws the charts.
 *
 * Safety rule for this file: every value that comes from the server is put into the page as text
 * (textContent, createTextNode, setAttribute on fixed attribute names); never through innerHTML.
 */
(function () {
  'use strict';

  const KEY_STORAGE = 'lakestream.dashboard.key';
  const PREFS_STORAGE = 'lakestream.dashboard.prefs';
  const REFRESH_MS = 10000;
  const KINDS = ['source', 'gateway', 'topic', 'step', 'sink'];
  const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#db2777'];
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const $ = (id) => document.getElementById(id);
  const state = {
    key: sessionStorage.getItem(KEY_STORAGE) || null,
    snapshot: null,
    previous: null,
    pendingRender: false,
  };

  // ------------------------------------------------------------------ DOM helpers

  /** An element with attributes and children; strings become text nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function setAttrs(node, attrs) {
    if (!attrs) return;
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') node.textContent = String(v);
      else node.setAttribute(k, String(v));
    }
  }

  function append(node, children) {
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }

  function setText(node, value) {
    const s = value === null || value === undefined ? '' : String(value);
    if (node.textContent !== s) node.textContent = s;
  }

  // ------------------------------------------------------------------ formatting

  const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

  function fmtInt(v) {
    return isNum(v) ? intFormat.format(v) : '–';
  }

  function fmtRate(v) {
    if (!isNum(v)) return '–';
    const a = Math.abs(v);
    if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + 'M';
    if (a >= 1e4) return (v / 1e3).toFixed(a >= 1e5 ? 0 : 1) + 'k';
    if (a >= 100) return v.toFixed(0);
    if (a >= 10) return v.toFixed(1);
    return v.toFixed(2);
  }

  function fmtBytes(v) {
    if (!isNum(v) || v < 0) return '–';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return (i === 0 ? v.toFixed(0) : v.toFixed(v >= 100 ? 0 : 1)) + ' ' + units[i];
  }

  function fmtDuration(ms) {
    if (!isNum(ms) || ms < 0) return '–';
    const s = Math.floor(ms / 1000);
    const d = Math.floor(s / 86400);
    const h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    if (d > 0) return d + 'd ' + h + 'h';
    if (h > 0) return h + 'h ' + m + 'm';
    if (m > 0) return m + 'm ' + sec + 's';
    if (ms < 1000) return Math.round(ms) + ' ms';
    return sec + 's';
  }

  function fmtAgo(ms) {
    if (!isNum(ms)) return '–';
    if (ms < 1500) return 'just now';
    return fmtDuration(ms) + ' ago';
  }

  /** Milliseconds since the epoch from epoch seconds/millis or an ISO-like text; else null. */
  function toMillis(v) {
    if (isNum(v)) return Math.abs(v) < 1e11 ? v * 1000 : v;
    if (typeof v !== 'string' || v.length < 10) return null;
    let s = v.trim();
    if (/^\d{4}-\d\d-\d\d \d/.test(s)) s = s.replace(' ', 'T');
    if (/[+-]\d\d$/.test(s)) s += ':00';
    else if (/T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(s)) s += 'Z';
    const t = Date.parse(s);
    return Number.isNaN(t) ? null : t;
  }

  function fmtTime(v) {
    const t = toMillis(v);
    if (t === null) return v === null || v === undefined ? '–' : String(v);
    const d = new Date(t);
    const today = new Date();
    const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    return d.toDateString() === today.toDateString() ? time : d.toLocaleDateString() + ' ' + time;
  }

  /** A cell value as text: null as "null", objects and lists as JSON. */
  function cellText(v) {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  const quoteIdent = (s) => '"' + String(s).replace(/"/g, '""') + '"';
  const quoteText = (s) => "'" + String(s).replace(/'/g, "''") + "'";

  // ------------------------------------------------------------------ preferences

  const prefs = (() => {
    try {
      return JSON.parse(localStorage.getItem(PREFS_STORAGE) || '{}') || {};
    } catch (e) {
      return {};
    }
  })();

  function savePref(name, value) {
    prefs[name] = value;
    try {
      localStorage.setItem(PREFS_STORAGE, JSON.stringify(prefs));
    } catch (e) {
      /* storage full or disabled: preferences just do not persist */
    }
  }

  // ------------------------------------------------------------------ API

  class AuthError extends Error {}

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  /** fetch on this origin with the key (if any); a 401 asks for a key and throws AuthError. */
  async function api(path, options) {
    const opts = Object.assign({ credentials: 'same-origin', cache: 'no-store' }, options || {});
    const headers = new Headers(opts.headers || {});
    if (state.key) headers.set('Authorization', 'Bearer ' + state.key);
    opts.headers = headers;
    const res = await fetch(path, opts);
    if (res.status === 401) {
      needKey(state.key ? 'the API key was refused; enter another one' : null);
      throw new AuthError('this server needs an API key');
    }
    return res;
  }

  async function readError(res) {
    let body = null;
    try {
      body = await res.json();
    } catch (e) {
      /* not JSON */
    }
    if (body && typeof body.message === 'string') return body.message;
    if (body && typeof body.error === 'string') return body.error;
    return 'HTTP ' + res.status + ' ' + (res.statusText || '');
  }

  // The SQL endpoint runs only a couple of queries at once: the page sends one at a time.
  let sqlChain = Promise.resolve();

  function sql(query, maxRows) {
    const run = () => sqlOnce(query, maxRows || 1000, 0);
    const p = sqlChain.then(run, run);
    sqlChain = p.catch(() => undefined);
    return p;
  }

  async function sqlOnce(query, maxRows, attempt) {
    const res = await api('/v1/sql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ sql: query, max_rows: maxRows }),
    });
    if (res.status === 429 && attempt < 4) {
      await sleep(400 * (attempt + 1));
      return sqlOnce(query, maxRows, attempt + 1);
    }
    if (!res.ok) throw new Error(await readError(res));
    const body = await res.json();
    if (!body || !Array.isArray(body.rows)) throw new Error('unexpected answer from /v1/sql');
    if (!Array.isArray(body.columns)) body.columns = [];
    return body;
  }

  function errorText(e) {
    if (e instanceof AuthError) return 'needs an API key';
    if (e instanceof TypeError) return 'server unreachable';
    return (e && e.message) || String(e);
  }

  // ------------------------------------------------------------------ API key form

  function needKey(message) {
    if (state.key) {
      state.key = null;
      sessionStorage.removeItem(KEY_STORAGE);
    }
    const form = $('key-form');
    form.hidden = false;
    if (message) $('key-input').placeholder = message;
    setLive('unauthorized', 'API key needed');
  }

  $('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const v = $('key-input').value.trim();
    if (!v) return;
    state.key = v;
    sessionStorage.setItem(KEY_STORAGE, v);
    $('key-input').value = '';
    $('key-form').hidden = true;
    live.attempt = 0;
    connect();
    refreshAll(true);
  });

  // ------------------------------------------------------------------ live stream

  const live = { es: null, abort: null, attempt: 0, timer: null, lastData: 0, lastSnapshot: 0, gap: 1000, status: '' };

  function setLive(status, text) {
    live.status = status;
    $('live').className = 'live ' + status;
    setText($('live-text'), text);
  }

  function stopStream() {
    if (live.es) {
      live.es.close();
      live.es = null;
    }
    if (live.abort) {
      live.abort.abort();
      live.abort = null;
    }
    clearTimeout(live.timer);
    live.timer = null;
  }

  function connect() {
    stopStream();
    setLive('connecting', live.attempt ? 'reconnecting…' : 'connecting…');
    live.lastData = Date.now();
    if (state.key || typeof EventSource === 'undefined') connectWithFetch();
    else connectWithEventSource();
  }

  function scheduleReconnect() {
    stopStream();
    const base = Math.min(30000, 1000 * Math.pow(2, live.attempt));
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    live.attempt++;
    const until = Date.now() + delay;
    setLive('reconnecting', 'reconnecting in ' + Math.ceil(delay / 1000) + ' s');
    live.until = until;
    live.timer = setTimeout(connect, delay);
  }

  function onStreamOpen() {
    live.lastData = Date.now();
    setLive('connected', 'live');
  }

  function connectWithEventSource() {
    const es = new EventSource('/v1/dashboard/stream');
    live.es = es;
    es.addEventListener('open', onStreamOpen);
    es.addEventListener('snapshot', (e) => onSnapshotText(e.data));
    es.addEventListener('error', () => {
      if (live.es !== es) return;
      es.close();
      live.es = null;
      probeThenReconnect();
    });
  }

  // Leaving the page (or the browser keeping it in its back/forward cache) must give the stream's
  // connection back: otherwise each reload keeps one open, and after six the browser's
  // per-server connection limit makes the next load wait for one to time out.
  window.addEventListener('pagehide', () => {
    live.hidden = true;
    stopStream();
  });
  window.addEventListener('pageshow', (e) => {
    if (live.hidden || e.persisted) {
      live.hidden = false;
      live.attempt = 0;
      connect();
    }
  });

  /** EventSource hides the status of a failed request: ask the snapshot endpoint whether it is 401. */
  async function probeThenReconnect() {
    try {
      await api('/v1/dashboard/snapshot');
    } catch (e) {
      if (e instanceof AuthError) return; // the key form is shown; connect() follows a key
    }
    scheduleReconnect();
  }

  /** A Server-Sent Events reader over fetch, used when a Bearer key must be sent. */
  async function connectWithFetch() {
    const ctl = new AbortController();
    live.abort = ctl;
    try {
      const res = await api('/v1/dashboard/stream', {
        headers: { Accept: 'text/event-stream' },
        signal: ctl.signal,
      });
      if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
      onStreamOpen();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let event = '';
      let data = [];
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          let line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.endsWith('\r')) line = line.slice(0, -1);
          if (line === '') {
            if (data.length && (event === 'snapshot' || event === '')) onSnapshotText(data.join('\n'));
            event = '';
            data = [];
          } else if (line.startsWith(':')) {
            live.lastData = Date.now();
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            let v = colon < 0 ? '' : line.slice(colon + 1);
            if (v.startsWith(' ')) v = v.slice(1);
            if (field === 'event') event = v;
            else if (field === 'data') data.push(v);
          }
        }
      }
    } catch (e) {
      if (e instanceof AuthError || ctl.signal.aborted) return;
    }
    if (!ctl.signal.aborted && live.abort === ctl) scheduleReconnect();
  }

  // A stream that says nothing (not even a heartbeat) for long is dead: reconnect.
  setInterval(() => {
    const now = Date.now();
    if (live.status === 'connected' || live.status === 'stale') {
      // the fetch reader sees the heartbeat comments, EventSource hides them
      const silentFor = now - (live.es ? live.lastSnapshot || live.lastData : live.lastData);
      if (silentFor > (live.es ? 120000 : 40000)) {
        scheduleReconnect();
      } else if (live.lastSnapshot && now - live.lastSnapshot > Math.max(5000, 4 * live.gap)) {
        setLive('stale', 'no new snapshot for ' + fmtDuration(now - live.lastSnapshot));
      } else if (live.status === 'stale') {
        setLive('connected', 'live');
      }
    } else if (live.status === 'reconnecting' && live.until) {
      setText($('live-text'), 'reconnecting in ' + Math.max(0, Math.ceil((live.until - now) / 1000)) + ' s');
    }
  }, 1000);

  function onSnapshotText(text) {
    let snap;
    try {
      snap = JSON.parse(text);
    } catch (e) {
      return;
    }
    if (!snap || typeof snap !== 'object') return;
    const now = Date.now();
    if (live.lastSnapshot) live.gap = 0.8 * live.gap + 0.2 * Math.min(60000, now - live.lastSnapshot);
    live.lastData = live.lastSnapshot = now;
    live.attempt = 0;
    if (live.status !== 'connected') setLive('connected', 'live');
    state.previous = state.snapshot;
    state.snapshot = snap;
    if (document.hidden) state.pendingRender = true;
    else render();
  }

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && state.pendingRender) render();
    if (!document.hidden) tickPanels();
  });

  // ------------------------------------------------------------------ header and sources

  let lastAlertsOpen = null;

  function render() {
    state.pendingRender = false;
    const s = state.snapshot;
    if (!s) return;
    const totals = s.totals || {};
    setText($('pipeline'), s.pipeline || '');
    document.title = (s.pipeline ? s.pipeline + ' · ' : '') + 'Lakestream dashboard';
    setText($('uptime'), fmtDuration(s.uptime_ms));
    const mem = s.memory || {};
    setText($('memory'), fmtBytes(mem.used_bytes) + (isNum(mem.max_bytes) ? ' / ' + fmtBytes(mem.max_bytes) : ''));
    $('memory-meter').value = isNum(mem.used_bytes) && mem.max_bytes > 0 ? mem.used_bytes / mem.max_bytes : 0;
    setText($('total-received'), fmtInt(totals.received));
    setText($('total-rejected'), fmtInt(totals.rejected));
    setText($('total-stored'), fmtInt(totals.stored));
    setText($('total-alerts'), fmtInt(totals.alerts_open));
    const p = state.previous;
    if (p && p.totals && isNum(p.totals.received) && isNum(totals.received) && s.time > p.time) {
      const rate = ((totals.received - p.totals.received) * 1000) / (s.time - p.time);
      setText($('rate-received'), '+' + fmtRate(Math.max(0, rate)) + '/s');
    }
    if (isNum(totals.alerts_open) && lastAlertsOpen !== null && totals.alerts_open !== lastAlertsOpen) {
      alertsPanel.last = 0; // a new or resolved alert: refresh the feed soon
    }
    if (isNum(totals.alerts_open)) lastAlertsOpen = totals.alerts_open;
    renderSources(Array.isArray(s.sources) ? s.sources : []);
    renderDiagram(Array.isArray(s.nodes) ? s.nodes : [], Array.isArray(s.edges) ? s.edges : []);
  }

  function renderSources(sources) {
    const body = $('sources').tBodies[0];
    const rows = new Map();
    for (const tr of Array.from(body.rows)) rows.set(tr.dataset.name, tr);
    const seen = new Set();
    sources.forEach((src, i) => {
      if (!src || typeof src !== 'object') return;
      const name = String(src.name ?? '?');
      seen.add(name);
      let tr = rows.get(name);
      if (!tr) {
        tr = el('tr', null, el('td'), el('td'), el('td', { class: 'n' }), el('td', { class: 'n' }), el('td', { class: 'n' }), el('td', { class: 'n' }));
        tr.dataset.name = name;
      }
      if (body.rows[i] !== tr) body.insertBefore(tr, body.rows[i] || null);
      const c = tr.cells;
      setText(c[0], name);
      setText(c[1], src.kind ?? '');
      setText(c[2], fmtRate(src.events_per_s));
      setText(c[3], fmtInt(src.events_total));
      setText(c[4], fmtInt(src.errors_total));
      const pct = isNum(src.errors_total) && src.events_total > 0 ? (100 * src.errors_total) / src.events_total : null;
      setText(c[5], pct === null ? '–' : pct.toFixed(pct < 10 ? 2 : 1) + '%');
      c[4].classList.toggle('error', src.errors_total > 0);
    });
    for (const [name, tr] of rows) if (!seen.has(name)) tr.remove();
    if (!sources.length && !body.rows.length) {
      const tr = el('tr', null, el('td', { colspan: 6, class: 'empty', text: 'no sources in the snapshot' }));
      tr.dataset.name = '';
      body.appendChild(tr);
    }
  }

  // ------------------------------------------------------------------ pipeline diagram

  const NODE_W = 180;
  const COL_GAP = 90;
  const ROW_GAP = 26;
  const LINE = 15;
  const STATUS_TEXT = { ok: '✓ ok', behind: '▲ behind', failing: '✖ failing', idle: '○ idle' };
  const METRICS = [
    ['events_per_s', (v) => fmtRate(v) + ' ev/s'],
    ['error_rate', (v) => 'errors ' + (v * 100).toFixed(v < 0.1 ? 2 : 1) + '%'],
    ['lag', (v) => 'lag ' + fmtInt(v)],
    ['watermark_delay_ms', (v) => 'watermark −' + fmtDuration(v)],
    ['last_checkpoint_age_ms', (v) => 'checkpoint ' + fmtAgo(v)],
    ['last_commit_age_ms', (v) => 'commit ' + fmtAgo(v)],
  ];
  const diagram = { signature: null, nodes: new Map(), edges: [] };

  function metricLines(metrics) {
    const lines = [];
    if (!metrics || typeof metrics !== 'object') return lines;
    for (const [name, format] of METRICS) if (isNum(metrics[name])) lines.push([name, format(metrics[name])]);
    for (const [name, v] of Object.entries(metrics)) {
      if (lines.length >= 7) break;
      if (!METRICS.some((m) => m[0] === name) && (isNum(v) || typeof v === 'string')) {
        lines.push([name, name.replace(/_/g, ' ') + ' ' + (isNum(v) ? fmtRate(v) : v)]);
      }
    }
    return lines;
  }

  const truncate = (s, n) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
  const statusOf = (n) => (STATUS_TEXT[n.status] ? n.status : 'ok');
  const marked = (st) => st === 'behind' || st === 'failing';

  function renderDiagram(rawNodes, rawEdges) {
    const host = $('diagram');
    const nodes = rawNodes.filter((n) => n && typeof n === 'object' && n.id !== undefined && n.id !== null);
    if (!nodes.length) {
      if (diagram.signature !== '') {
        diagram.signature = '';
        host.replaceChildren(el('p', { class: 'empty', text: 'the snapshot names no pipeline nodes' }));
      }
      return;
    }
    const ids = new Set(nodes.map((n) => String(n.id)));
    const edges = rawEdges.filter((e) => e && ids.has(String(e.from)) && ids.has(String(e.to)));
    const signature = JSON.stringify([
      nodes.map((n) => [String(n.id), n.kind, n.label, marked(statusOf(n)), metricLines(n.metrics).map((l) => l[0])]),
      edges.map((e) => [String(e.from), String(e.to)]),
    ]);
    if (signature !== diagram.signature) {
      diagram.signature = signature;
      buildDiagram(host, nodes, edges);
    }
    updateDiagram(nodes, edges);
  }

  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      diagram.signature = null; // lay out again for the new width
      if (state.snapshot && !document.hidden) render();
    }, 200);
  });

  function buildDiagram(host, nodes, edges) {
    // columns by kind, empty kinds dropped; unknown kinds go with the steps; a chain of nodes of
    // one kind (step -> step) spreads over several columns
    const kindOf = (n) => {
      const i = KINDS.indexOf(n.kind);
      return i < 0 ? 3 : i;
    };
    const byId = new Map(nodes.map((n) => [String(n.id), n]));
    const depth = new Map(nodes.map((n) => [String(n.id), 0]));
    for (let round = 0; round < nodes.length; round++) {
      let changed = false;
      for (const e of edges) {
        const a = String(e.from);
        const b = String(e.to);
        if (a === b || kindOf(byId.get(a)) !== kindOf(byId.get(b))) continue;
        const d = depth.get(a) + 1;
        if (d > depth.get(b) && d < nodes.length) {
          depth.set(b, d);
          changed = true;
        }
      }
      if (!changed) break;
    }
    const colOf = (n) => kindOf(n) * 1000 + depth.get(String(n.id));
    const used = Array.from(new Set(nodes.map(colOf))).sort((a, b) => a - b);
    const columns = used.map((k) => nodes.filter((n) => colOf(n) === k));
    // order each column by the mean position of its inputs (fewer crossings)
    const pos = new Map();
    columns.forEach((col, ci) => {
      if (ci > 0) {
        const score = (n) => {
          const ins = edges.filter((e) => String(e.to) === String(n.id) && pos.has(String(e.from)));
          return ins.length ? ins.reduce((a, e) => a + pos.get(String(e.from)), 0) / ins.length : 1e9;
        };
        const scored = col.map((n, i) => [score(n), i, n]);
        scored.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        columns[ci] = scored.map((x) => x[2]);
      }
      columns[ci].forEach((n, i) => pos.set(String(n.id), i));
    });
    const heights = new Map();
    for (const n of nodes) {
      const lines = metricLines(n.metrics).length + (marked(statusOf(n)) && n.note ? 1 : 0);
      heights.set(String(n.id), 46 + lines * LINE + 6);
    }
    const colHeights = columns.map((col) => col.reduce((a, n) => a + heights.get(String(n.id)), 0) + ROW_GAP * (col.length - 1));
    const totalH = Math.max(...colHeights) + 24;
    const totalW = columns.length * NODE_W + (columns.length - 1) * COL_GAP + 24;
    const box = new Map();
    columns.forEach((col, ci) => {
      let y = 12 + (totalH - 24 - colHeights[ci]) / 2;
      const x = 12 + ci * (NODE_W + COL_GAP);
      for (const n of col) {
        const h = heights.get(String(n.id));
        box.set(String(n.id), { x, y, h });
        y += h + ROW_GAP;
      }
    });

    const root = svg('svg', { width: totalW, height: totalH, viewBox: `0 0 ${totalW} ${totalH}`, role: 'img', 'aria-label': 'pipeline diagram' });
    root.appendChild(
      svg('defs', null, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z' })))
    );
    const edgeLayer = svg('g', { class: 'edges' });
    const labelLayer = svg('g', { class: 'edge-labels' });
    const nodeLayer = svg('g', { class: 'nodes' });
    root.append(edgeLayer, nodeLayer, labelLayer);

    // ports: spread the edges of a node along its side
    const outs = new Map();
    const ins = new Map();
    edges.forEach((e) => {
      (outs.get(String(e.from)) || outs.set(String(e.from), []).get(String(e.from))).push(e);
      (ins.get(String(e.to)) || ins.set(String(e.to), []).get(String(e.to))).push(e);
    });
    const port = (list, e, b) => b.y + (b.h * (list.indexOf(e) + 1)) / (list.length + 1);
    diagram.edges = edges.map((e) => {
      const a = box.get(String(e.from));
      const b = box.get(String(e.to));
      const x1 = a.x + NODE_W;
      const y1 = port(outs.get(String(e.from)), e, a);
      const x2 = b.x;
      const y2 = port(ins.get(String(e.to)), e, b);
      const dx = Math.max(60, (x2 - x1) / 2);
      const path = svg('path', { d: `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2 - 2},${y2}`, 'marker-end': 'url(#arrow)' });
      const mx = (x1 + 3 * (x1 + dx) + 3 * (x2 - dx) + x2) / 8;
      const my = (y1 + 3 * y1 + 3 * y2 + y2) / 8;
      const bg = svg('rect', { class: 'rate-bg', x: mx - 34, y: my - 9, width: 68, height: 17, rx: 8 });
      const text = svg('text', { x: mx, y: my + 4 });
      const title = svg('title');
      const g = svg('g', { class: 'edge' }, path, title);
      edgeLayer.appendChild(g);
      const lg = svg('g', { class: 'edge-label' }, bg, text);
      labelLayer.appendChild(lg);
      return { g, text, bg, title, mx };
    });

    diagram.nodes = new Map();
    for (const n of nodes) {
      const b = box.get(String(n.id));
      const g = svg('g', { class: 'node', transform: `translate(${b.x},${b.y})` });
      g.dataset.id = String(n.id);
      const title = svg('title');
      const rect = svg('rect', { width: NODE_W, height: b.h, rx: 8 });
      const label = svg('text', { class: 'label', x: 10, y: 18 });
      const kind = svg('text', { class: 'kind', x: 10, y: 34 });
      const st = svg('text', { class: 'state', x: NODE_W - 10, y: 34, 'text-anchor': 'end' });
      g.append(title, rect, label, kind, st);
      const lines = [];
      const count = metricLines(n.metrics).length + (marked(statusOf(n)) && n.note ? 1 : 0);
      for (let i = 0; i < count; i++) {
        const t = svg('text', { class: 'metric', x: 10, y: 52 + i * LINE });
        lines.push(t);
        g.appendChild(t);
      }
      nodeLayer.appendChild(g);
      diagram.nodes.set(String(n.id), { g, title, label, kind, st, lines });
    }
    // wide pipelines shrink to the panel down to 3/4 of their size, then scroll
    const avail = host.clientWidth;
    if (avail && totalW > avail) {
      const scale = Math.max(0.75, avail / totalW);
      root.setAttribute('width', Math.floor(totalW * scale));
      root.setAttribute('height', Math.floor(totalH * scale));
    }
    host.replaceChildren(root);
  }

  function updateDiagram(nodes, edges) {
    for (const n of nodes) {
      const v = diagram.nodes.get(String(n.id));
      if (!v) continue;
      const st = statusOf(n);
      const cls = 'node ' + st;
      if (v.g.getAttribute('class') !== cls) v.g.setAttribute('class', cls);
      v.g.dataset.status = st;
      const label = String(n.label ?? n.id);
      setText(v.label, truncate(label, 24));
      setText(v.kind, String(n.kind ?? ''));
      setText(v.st, STATUS_TEXT[st]);
      setText(v.title, label + ' — ' + st + (n.note ? ': ' + n.note : ''));
      const lines = metricLines(n.metrics).map((l) => l[1]);
      if (marked(st) && n.note) lines.push(truncate(String(n.note), 24));
      v.lines.forEach((t, i) => setText(t, lines[i] ?? ''));
    }
    edges.forEach((e, i) => {
      const v = diagram.edges[i];
      if (!v) return;
      const rate = e.events_per_s;
      const label = isNum(rate) ? fmtRate(rate) + '/s' : '–';
      setText(v.text, label);
      const w = Math.max(40, label.length * 7 + 14);
      v.bg.setAttribute('x', v.mx - w / 2);
      v.bg.setAttribute('width', w);
      setText(v.title, String(e.from) + ' → ' + String(e.to) + ': ' + label);
      v.g.setAttribute('class', 'edge' + (rate > 0 ? ' flowing' : ''));
      v.g.firstChild.setAttribute('stroke-width', (1.5 + Math.min(4, Math.log10(1 + Math.max(0, rate || 0)))).toFixed(2));
    });
  }

  // ------------------------------------------------------------------ generic result table

  function fillTable(table, result, limit) {
    const cols = result.columns.length ? result.columns.map((c) => c.name) : Object.keys(result.rows[0] || {});
    const head = el('tr', null, ...cols.map((c) => el('th', { text: c })));
    table.tHead.replaceChildren(head);
    const body = document.createDocumentFragment();
    const rows = result.rows.slice(0, limit || 2000);
    for (const row of rows) {
      const tr = document.createElement('tr');
      for (const c of cols) {
        const v = row ? row[c] : null;
        tr.appendChild(el('td', { class: v === null || v === undefined ? 'null' : null, text: cellText(v) }));
      }
      body.appendChild(tr);
    }
    table.tBodies[0].replaceChildren(body);
    return rows.length;
  }

  function resultTable(result, limit) {
    const t = el('table', { class: 'grid' }, el('thead'), el('tbody'));
    fillTable(t, result, limit);
    return el('div', { class: 'scroll' }, t);
  }

  // ------------------------------------------------------------------ panels refreshed by SQL

  const panels = [];

  function panel(details, refresh) {
    const p = { el: details, refresh, busy: false, last: 0, visible: true };
    panels.push(p);
    details.addEventListener('toggle', () => {
      if (details.open) runPanel(p, true);
    });
    return p;
  }

  async function runPanel(p, force) {
    if (p.busy) return;
    if (!force && (!p.el.open || !p.visible || document.hidden)) return;
    p.busy = true;
    try {
      await p.refresh(force);
    } catch (e) {
      /* each refresh shows its own errors */
    } finally {
      p.busy = false;
      p.last = Date.now();
    }
  }

  function tickPanels() {
    const now = Date.now();
    for (const p of panels) if (now - p.last >= REFRESH_MS) runPanel(p, false);
  }

  function refreshAll(force) {
    for (const p of panels) if (p.el.open) runPanel(p, force);
  }

  function status(id, text, isError) {
    const s = $(id);
    setText(s, text);
    s.classList.toggle('error', !!isError);
  }

  // ------------------------------------------------------------------ alerts

  const alertsPanel = panel($('panel-alerts'), refreshAlerts);
  let selectedAlert = null;

  async function refreshAlerts() {
    const openOnly = $('alerts-open-only').checked;
    let result;
    try {
      result = await sql(
        'SELECT alert_id, status, detector, detector_type, input, field, key, value, score, expected, low, high, ' +
          'event_time, detection_time, severity, event_ids, message FROM alerts.events' +
          (openOnly ? " WHERE status = 'open'" : '') +
          ' ORDER BY detection_time DESC LIMIT 300',
        300
      );
    } catch (e) {
      status('alerts-status', errorText(e), true);
      return;
    }
    const seen = new Set();
    const alerts = [];
    for (const a of result.rows) {
      const id = cellText(a.alert_id);
      if (seen.has(id)) continue; // newest state of each alert only
      seen.add(id);
      alerts.push(a);
    }
    const open = alerts.filter((a) => a.status === 'open').length;
    status('alerts-status', alerts.length ? open + ' open · ' + alerts.length + ' shown' : 'no alerts');
    const list = $('alerts');
    const items = alerts.slice(0, 100).map((a) => {
      const st = a.status === 'open' ? 'open' : 'resolved';
      const where = [a.input, a.field].filter((x) => x !== null && x !== undefined).join('.') + (a.key !== null && a.key !== undefined && a.key !== '' ? ' [' + cellText(a.key) + ']' : '');
      const li = el(
        'li',
        { tabindex: 0, class: cellText(a.alert_id) === selectedAlert ? 'selected' : null },
        el('span', { class: 'badge ' + st, text: st }),
        el('span', { class: 'what' }, el('strong', { text: cellText(a.detector ?? a.detector_type ?? 'alert') }), ' ', where),
        el('span', { class: 'when', title: cellText(a.detection_time), text: fmtTime(a.detection_time ?? a.event_time) }),
        el('span', { class: 'msg' }, a.severity ? el('span', { class: 'badge sev-' + String(a.severity).toLowerCase().replace(/[^a-z]/g, ''), text: cellText(a.severity) }) : null, a.severity ? ' ' : null, cellText(a.message ?? ''))
      );
      li.dataset.id = cellText(a.alert_id);
      const open = () => showAlert(a, li);
      li.addEventListener('click', open);
      li.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') open();
      });
      return li;
    });
    if (!items.length) items.push(el('li', { class: 'empty', text: openOnly ? 'no open alerts' : 'no alerts recorded' }));
    list.replaceChildren(...items);
  }

  function eventIds(v) {
    if (Array.isArray(v)) return v.map(String);
    if (typeof v === 'string') {
      try {
        const parsed = JSON.parse(v);
        if (Array.isArray(parsed)) return parsed.map(String);
      } catch (e) {
        /* a plain list */
      }
      return v.replace(/^\[|\]$/g, '').split(',').map((s) => s.trim()).filter(Boolean);
    }
    return [];
  }

  async function showAlert(a, li) {
    selectedAlert = cellText(a.alert_id);
    for (const x of $('alerts').children) x.classList.toggle('selected', x === li);
    const box = $('alert-detail');
    box.hidden = false;
    const dl = el('dl');
    for (const k of ['alert_id', 'status', 'severity', 'detector', 'detector_type', 'input', 'field', 'key', 'value', 'score', 'expected', 'low', 'high', 'event_time', 'detection_time', 'message']) {
      if (a[k] === null || a[k] === undefined) continue;
      dl.append(el('dt', { text: k }), el('dd', { text: cellText(a[k]) }));
    }
    const events = el('div', { class: 'status', text: 'loading the triggering events…' });
    box.replaceChildren(el('h3', { text: 'Alert ' + cellText(a.alert_id) }), dl, el('h3', { text: 'Triggering events' }), events);
    const ids = eventIds(a.event_ids).slice(0, 100);
    if (!ids.length || !a.input) {
      events.replaceChildren(document.createTextNode('this alert names no triggering events'));
      return;
    }
    const where = ' WHERE id IN (' + ids.map(quoteText).join(', ') + ') LIMIT 100';
    const tried = [];
    for (const schema of ['curated', 'raw']) {
      const table = schema + '.' + quoteIdent(a.input);
      try {
        const r = await sql('SELECT * FROM ' + table + where, 100);
        if (r.rows.length) {
          events.className = '';
          events.replaceChildren(el('p', { class: 'status', text: r.rows.length + ' of ' + ids.length + ' event(s) from ' + schema + '.' + a.input }), resultTable(r));
          return;
        }
        tried.push(schema + '.' + a.input + ': not found');
      } catch (e) {
        tried.push(schema + '.' + a.input + ': ' + errorText(e));
      }
    }
    events.className = 'status error';
    events.replaceChildren(document.createTextNode('events ' + ids.join(', ') + ' not found (' + tried.join('; ') + ')'));
  }

  $('alerts-open-only').addEventListener('change', () => runPanel(alertsPanel, true));
  $('alerts-refresh').addEventListener('click', () => runPanel(alertsPanel, true));

  // ------------------------------------------------------------------ rejected records

  const errorsPanel = panel($('panel-errors'), refreshErrors);
  let selectedGroup = null;

  function errorsSince() {
    const r = $('errors-range').value;
    return r ? 'error_time >= now() - INTERVAL ' + r : '';
  }

  async function refreshErrors() {
    const since = errorsSince();
    let result;
    try {
      result = await sql(
        'SELECT stage, reason, count(*) AS n, max(error_time) AS last FROM errors.records' +
          (since ? ' WHERE ' + since : '') +
          ' GROUP BY stage, reason ORDER BY n DESC, last DESC LIMIT 200',
        200
      );
    } catch (e) {
      status('errors-status', errorText(e), true);
      return;
    }
    const total = result.rows.reduce((a, r) => a + (Number(r.n) || 0), 0);
    status('errors-status', result.rows.length ? fmtInt(total) + ' in ' + result.rows.length + ' group(s)' : 'none');
    const body = $('error-groups').tBodies[0];
    const rows = result.rows.map((g) => {
      const key = JSON.stringify([g.stage, g.reason]);
      const tr = el('tr', { tabindex: 0, class: key === selectedGroup ? 'selected' : null }, el('td', { text: cellText(g.stage) }), el('td', { text: cellText(g.reason) }), el('td', { class: 'n', text: fmtInt(Number(g.n)) }), el('td', { title: cellText(g.last), text: fmtTime(g.last) }));
      const open = () => showErrorGroup(g, tr, key);
      tr.addEventListener('click', open);
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') open();
      });
      return tr;
    });
    if (!rows.length) rows.push(el('tr', null, el('td', { colspan: 4, class: 'empty', text: 'no rejected records' })));
    body.replaceChildren(...rows);
  }

  const eqOrNull = (col, v) => (v === null || v === undefined ? col + ' IS NULL' : col + ' = ' + quoteText(v));

  async function showErrorGroup(g, tr, key) {
    selectedGroup = key;
    for (const x of $('error-groups').tBodies[0].rows) x.classList.toggle('selected', x === tr);
    const box = $('error-samples');
    box.hidden = false;
    const list = el('div', { class: 'status', text: 'loading samples…' });
    box.replaceChildren(el('h3', { text: cellText(g.stage) + ' · ' + cellText(g.reason) }), list);
    const since = errorsSince();
    try {
      const r = await sql(
        'SELECT id, source, stage, reason, ingest_time, error_time, original_text, origin FROM errors.records WHERE ' +
          eqOrNull('stage', g.stage) + ' AND ' + eqOrNull('reason', g.reason) + (since ? ' AND ' + since : '') +
          ' ORDER BY error_time DESC LIMIT 20',
        20
      );
      const samples = r.rows.map((s) =>
        el(
          'div',
          { class: 'sample' },
          el('div', { class: 'meta', text: [cellText(s.source), fmtTime(s.error_time), s.id ? 'id ' + cellText(s.id) : null, s.origin !== null && s.origin !== undefined ? 'origin ' + cellText(s.origin) : null].filter(Boolean).join(' · ') }),
          el('pre', { text: s.original_text === null || s.original_text === undefined ? '(no original text)' : cellText(s.original_text) })
        )
      );
      list.className = '';
      list.replaceChildren(el('p', { class: 'status', text: 'newest ' + samples.length + ' sample(s)' }), ...samples);
    } catch (e) {
      list.className = 'status error';
      list.replaceChildren(document.createTextNode(errorText(e)));
    }
  }

  $('errors-range').addEventListener('change', () => runPanel(errorsPanel, true));
  $('errors-refresh').addEventListener('click', () => runPanel(errorsPanel, true));

  // ------------------------------------------------------------------ charts of window aggregates

  const chart = { tables: null, tablesAt: 0, table: null, columns: null, keyCols: [], timeCol: null, keysFor: null, plot: null, shape: null };
  const chartPanel = panel($('panel-charts'), refreshChart);
  const NUMERIC = /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/i;
  const TEMPORAL = /TIMESTAMP|DATE|TIME/i;

  async function listTables() {
    if (chart.tables && Date.now() - chart.tablesAt < 60000) return chart.tables;
    const r = await sql('SELECT table_schema, table_name FROM information_schema.tables ORDER BY 1, 2', 5000);
    chart.tables = r.rows.map((t) => ({ schema: String(t.table_schema), name: String(t.table_name) }));
    chart.tablesAt = Date.now();
    return chart.tables;
  }

  function fillSelect(select, values, wanted) {
    const current = wanted ?? select.value;
    const opts = values.map((v) => el('option', { value: v, text: v }));
    select.replaceChildren(...opts);
    if (values.includes(current)) select.value = current;
    return select.value;
  }

  async function refreshChart(force) {
    try {
      const tables = (await listTables()).filter((t) => t.schema === 'aggregates').map((t) => t.name);
      if (!tables.length) {
        status('chart-status', 'no aggregates tables yet');
        $('chart-table').replaceChildren();
        return;
      }
      const table = fillSelect($('chart-table'), tables, chart.table || prefs.chartTable);
      if (table !== chart.table || !chart.columns || force) await loadColumns(table, force);
      await drawChart();
    } catch (e) {
      status('chart-status', errorText(e), true);
    }
  }

  async function loadColumns(table, force) {
    const changed = table !== chart.table;
    chart.table = table;
    const r = await sql('SELECT * FROM aggregates.' + quoteIdent(table) + ' LIMIT 1', 1);
    chart.columns = r.columns;
    const names = r.columns.map((c) => c.name);
    chart.timeCol = ['window_end', 'window_start'].find((c) => names.includes(c)) || (r.columns.find((c) => TEMPORAL.test(c.type || '')) || {}).name || null;
    const metrics = r.columns.filter((c) => NUMERIC.test(c.type || '') && !/INTERVAL/i.test(c.type || '') && !c.name.startsWith('window_')).map((c) => c.name);
    chart.keyCols = r.columns.filter((c) => !NUMERIC.test(c.type || '') && !TEMPORAL.test(c.type || '') && !c.name.startsWith('window_')).map((c) => c.name);
    fillSelect($('chart-metric'), metrics, changed ? prefs.chartMetric : undefined);
    if (changed || force || chart.keysFor !== table) await loadKeys(table);
  }

  function keyExpr() {
    if (!chart.keyCols.length) return null;
    if (chart.keyCols.length === 1) return 'CAST(' + quoteIdent(chart.keyCols[0]) + ' AS VARCHAR)';
    return "concat_ws(' | ', " + chart.keyCols.map((c) => 'CAST(' + quoteIdent(c) + ' AS VARCHAR)').join(', ') + ')';
  }

  async function loadKeys(table) {
    const box = $('chart-keys');
    const legend = el('legend', { text: chart.keyCols.length ? chart.keyCols.join(' | ') : 'keys' });
    chart.keysFor = table;
    if (!chart.keyCols.length) {
      box.replaceChildren(legend, el('span', { class: 'empty', text: 'no key column' }));
      return;
    }
    const previous = new Set(Array.from(box.querySelectorAll('input:checked')).map((i) => i.value));
    const r = await sql('SELECT ' + keyExpr() + ' AS k, count(*) AS n FROM aggregates.' + quoteIdent(table) + ' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 24', 24);
    const keys = r.rows.map((x) => cellText(x.k));
    const keep = keys.filter((k) => previous.has(k));
    const chosen = new Set(keep.length ? keep : keys.slice(0, 3));
    const inputs = keys.map((k) => {
      const input = el('input', { type: 'checkbox', value: k });
      input.checked = chosen.has(k);
      input.addEventListener('change', () => {
        const checked = box.querySelectorAll('input:checked');
        if (checked.length > PALETTE.length) input.checked = false;
        drawChart().catch((e) => status('chart-status', errorText(e), true));
      });
      return el('label', null, input, ' ', k);
    });
    box.replaceChildren(legend, ...inputs);
  }

  async function drawChart() {
    const table = chart.table;
    const metric = $('chart-metric').value;
    if (!table || !metric || !chart.timeCol) {
      status('chart-status', !metric ? 'this table has no numeric metric column' : 'this table has no time column');
      return;
    }
    savePref('chartTable', table);
    savePref('chartMetric', metric);
    const keys = Array.from($('chart-keys').querySelectorAll('input:checked')).map((i) => i.value);
    const kx = keyExpr();
    const t = quoteIdent(chart.timeCol);
    const from = 'aggregates.' + quoteIdent(table);
    let where = t + ' >= (SELECT max(' + t + ') FROM ' + from + ') - INTERVAL ' + $('chart-range').value;
    if (kx && keys.length) where += ' AND ' + kx + ' IN (' + keys.map(quoteText).join(', ') + ')';
    const data = await sql('SELECT ' + t + ' AS t, ' + (kx || "''") + ' AS k, ' + quoteIdent(metric) + ' AS v FROM ' + from + ' WHERE ' + where + ' ORDER BY 1 LIMIT 20000', 20000);
    let anomalies = [];
    let anomalyNote = '';
    try {
      let aw = 'input = ' + quoteText(table) + ' AND field = ' + quoteText(metric);
      if (kx && keys.length) aw += ' AND key IN (' + keys.map(quoteText).join(', ') + ')';
      const a = await sql('SELECT key, value, event_time, severity, status, message FROM alerts.events WHERE ' + aw + ' ORDER BY event_time DESC LIMIT 500', 500);
      anomalies = a.rows;
    } catch (e) {
      anomalyNote = ' · anomalies unavailable: ' + errorText(e);
    }
    plotSeries(data.rows, anomalies, keys, kx ? null : '');
    const windows = new Set(data.rows.map((r) => cellText(r.t))).size;
    status('chart-status', (kx ? keys.length + ' key(s) · ' : '') + windows + ' window(s) · ' + anomalies.length + ' anomal' + (anomalies.length === 1 ? 'y' : 'ies') + (data.truncated ? ' · truncated' : '') + anomalyNote, !!anomalyNote);
  }

  function plotSeries(rows, anomalies, keys, onlyKey) {
    const series = onlyKey === '' ? [''] : keys.length ? keys : Array.from(new Set(rows.map((r) => cellText(r.k))));
    const xs = new Set();
    const values = new Map(series.map((k) => [k, new Map()]));
    for (const r of rows) {
      const ms = toMillis(r.t);
      const k = onlyKey === '' ? '' : cellText(r.k);
      if (ms === null || !values.has(k)) continue;
      const x = ms / 1000;
      xs.add(x);
      values.get(k).set(x, typeof r.v === 'number' ? r.v : Number(r.v));
    }
    const marks = new Map(series.map((k) => [k, new Map()]));
    for (const a of anomalies) {
      const ms = toMillis(a.event_time);
      const k = onlyKey === '' ? '' : cellText(a.key);
      if (ms === null || !marks.has(k)) continue;
      const x = ms / 1000;
      xs.add(x);
      const v = isNum(a.value) ? a.value : values.get(k).get(x);
      if (isNum(v)) marks.get(k).set(x, v);
    }
    const x = Array.from(xs).sort((a, b) => a - b);
    const data = [x];
    const opts = [{}];
    series.forEach((k, i) => {
      const color = PALETTE[i % PALETTE.length];
      data.push(x.map((t) => values.get(k).get(t) ?? null));
      opts.push({ label: k || $('chart-metric').value, stroke: color, width: 1.5, spanGaps: true, points: { show: false } });
    });
    series.forEach((k, i) => {
      if (!marks.get(k).size) return;
      data.push(x.map((t) => marks.get(k).get(t) ?? null));
      opts.push({ label: (k ? k + ' ' : '') + 'anomaly', stroke: PALETTE[i % PALETTE.length], paths: () => null, points: { show: true, size: 11, width: 2, fill: '#dc2626' } });
    });
    drawPlot($('chart'), chart, opts, data, true, null);
  }

  /** Draws or updates a uPlot chart in host; holder keeps the plot between calls. */
  function drawPlot(host, holder, series, data, time, xLabels) {
    if (typeof uPlot === 'undefined') {
      host.replaceChildren(el('p', { class: 'error', text: 'the chart library did not load' }));
      return;
    }
    const shape = JSON.stringify([series.map((s) => s.label), time, !!xLabels]);
    const width = Math.max(300, host.clientWidth || 600);
    if (holder.plot && holder.shape === shape) {
      holder.plot.setData(data);
      return;
    }
    if (holder.plot) holder.plot.destroy();
    // axis colours from the page's palette, so that dark mode stays readable
    const css = getComputedStyle(document.documentElement);
    const ink = css.getPropertyValue('--muted').trim() || '#667085';
    const rule = css.getPropertyValue('--line').trim() || '#d9dde4';
    const axis = () => ({ stroke: ink, grid: { stroke: rule, width: 1 }, ticks: { stroke: rule, width: 1 } });
    const axes = [axis(), axis()];
    if (xLabels) axes[0].values = (u, splits) => splits.map((v) => (Number.isInteger(v) && xLabels[v] !== undefined ? xLabels[v] : ''));
    holder.plot = new uPlot({ width, height: 260, series, axes, scales: { x: { time } }, cursor: { drag: { x: true, y: false } } }, data, host);
    holder.shape = shape;
    if (!holder.resize && typeof ResizeObserver !== 'undefined') {
      holder.resize = new ResizeObserver(() => {
        if (holder.plot && host.clientWidth) holder.plot.setSize({ width: Math.max(300, host.clientWidth), height: 260 });
      });
      holder.resize.observe(host);
    }
  }

  $('chart-table').addEventListener('change', () => {
    chart.table = null;
    savePref('chartTable', $('chart-table').value);
    chart.keysFor = null;
    prefs.chartTable = $('chart-table').value;
    runPanel(chartPanel, true);
  });
  $('chart-metric').addEventListener('change', () => drawChart().catch((e) => status('chart-status', errorText(e), true)));
  $('chart-range').addEventListener('change', () => drawChart().catch((e) => status('chart-status', errorText(e), true)));
  $('chart-refresh').addEventListener('click', () => {
    chart.tables = null;
    runPanel(chartPanel, true);
  });

  // ------------------------------------------------------------------ SQL console

  const consoleState = { result: null, plot: null, shape: null };
  const sqlText = $('sql-text');
  if (typeof prefs.sql === 'string' && prefs.sql.trim()) sqlText.value = prefs.sql;

  async function runSql() {
    const query = sqlText.value.trim();
    if (!query) return;
    savePref('sql', sqlText.value);
    status('sql-status', 'running…');
    $('sql-run').disabled = true;
    const started = performance.now();
    try {
      const r = await sql(query, Number($('sql-max').value));
      consoleState.result = r;
      const shown = fillTable($('sql-result'), r, 2000);
      const rc = isNum(r.row_count) ? r.row_count : r.rows.length;
      status('sql-status', fmtInt(rc) + ' row(s)' + (r.truncated ? ' (truncated)' : '') + (shown < r.rows.length ? ', first ' + shown + ' shown' : '') + ' · ' + fmtInt(isNum(r.elapsed_ms) ? r.elapsed_ms : performance.now() - started) + ' ms');
      const names = r.columns.map((c) => c.name);
      const numeric = r.columns.filter((c) => NUMERIC.test(c.type || '')).map((c) => c.name);
      const timeCol = (r.columns.find((c) => TEMPORAL.test(c.type || '')) || {}).name;
      fillSelect($('sql-x'), names, timeCol || names[0]);
      fillSelect($('sql-y'), numeric.length ? numeric : names, numeric[0]);
    } catch (e) {
      status('sql-status', errorText(e), true);
    } finally {
      $('sql-run').disabled = false;
    }
  }

  function plotSql() {
    const r = consoleState.result;
    const xc = $('sql-x').value;
    const yc = $('sql-y').value;
    if (!r || !xc || !yc) return;
    const rows = r.rows.map((row) => [row[xc], typeof row[yc] === 'number' ? row[yc] : row[yc] === null ? null : Number(row[yc])]);
    let mode = 'category';
    if (rows.length && rows.every((p) => isNum(p[0]))) mode = 'number';
    else if (rows.length && rows.every((p) => toMillis(p[0]) !== null && typeof p[0] === 'string')) mode = 'time';
    let xs;
    let labels = null;
    if (mode === 'category') {
      labels = rows.map((p) => truncate(cellText(p[0]), 16));
      xs = rows.map((p, i) => i);
    } else {
      rows.forEach((p) => (p[0] = mode === 'time' ? toMillis(p[0]) / 1000 : p[0]));
      rows.sort((a, b) => a[0] - b[0]);
      xs = rows.map((p) => p[0]);
    }
    const host = $('sql-chart');
    host.hidden = false;
    drawPlot(host, consoleState, [{ label: xc }, { label: yc, stroke: PALETTE[0], width: 1.5, spanGaps: true, points: { show: rows.length < 200 } }], [xs, rows.map((p) => (isNum(p[1]) ? p[1] : null))], mode === 'time', labels);
  }

  $('sql-run').addEventListener('click', runSql);
  $('sql-plot').addEventListener('click', plotSql);
  sqlText.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      runSql();
    }
  });

  // ------------------------------------------------------------------ search

  const search = { q: '', sort: 'time', offset: 0, next: null, facets: true };
  const FACETS = 'level,service';

  async function fetchSearch(withFacets) {
    const params = new URLSearchParams({ q: search.q, sort: search.sort, limit: '20' });
    if (search.next) params.set('after', search.next);
    else params.set('offset', String(search.offset));
    if (withFacets) params.set('facets', FACETS);
    return api('/v1/search?' + params.toString());
  }

  async function runSearch(more) {
    if (!more) {
      search.q = $('search-q').value.trim();
      search.sort = $('search-sort').value;
      search.offset = 0;
      search.next = null;
    }
    status('search-status', 'searching…');
    let res;
    let facetNote = '';
    try {
      res = await fetchSearch(!more && search.facets);
      if (res.status === 400 && !more && search.facets) {
        // the index may lack the facet fields: search again without them
        const message = await readError(res);
        res = await fetchSearch(false);
        if (res.ok) facetNote = ' · facets unavailable: ' + message;
      }
    } catch (e) {
      status('search-status', errorText(e), true);
      return;
    }
    if (res.status === 404) {
      status('search-status', 'search is not configured on this server');
      $('search-hits').replaceChildren();
      $('search-facets').replaceChildren();
      $('search-more').hidden = true;
      return;
    }
    if (!res.ok) {
      status('search-status', await readError(res), true);
      return;
    }
    let body;
    try {
      body = await res.json();
    } catch (e) {
      status('search-status', 'unexpected answer from /v1/search', true);
      return;
    }
    const hits = Array.isArray(body.hits) ? body.hits : [];
    search.offset += hits.length;
    search.next = typeof body.next === 'string' && body.next ? body.next : null;
    const total = isNum(body.total) ? body.total : hits.length;
    status('search-status', fmtInt(total) + ' hit(s)' + (isNum(body.took_ms) ? ' · ' + body.took_ms + ' ms' : '') + (body.timed_out ? ' · timed out, partial' : '') + facetNote, !!body.timed_out);
    const items = hits.map((h) => {
      const meta = [fmtTime(h.event_time ?? h.ingest_time), h.source !== undefined ? cellText(h.source) : null, h.id !== undefined ? 'id ' + cellText(h.id) : null, isNum(h.score) ? 'score ' + h.score.toFixed(2) : null].filter(Boolean).join(' · ');
      return el('li', null, el('div', { class: 'meta', text: meta }), el('pre', { text: typeof h.event === 'string' ? h.event : JSON.stringify(h.event, null, 2) }));
    });
    if (more) $('search-hits').append(...items);
    else $('search-hits').replaceChildren(...(items.length ? items : [el('li', { class: 'empty', text: 'no hits' })]));
    $('search-more').hidden = !(hits.length && (search.next || search.offset < total));
    if (!more) renderFacets(body.facets);
  }

  function renderFacets(facets) {
    const box = $('search-facets');
    const parts = [];
    if (facets && typeof facets === 'object') {
      for (const [name, values] of Object.entries(facets)) {
        if (!Array.isArray(values) || !values.length) continue;
        const items = values.map((v) => {
          const b = el('button', { type: 'button', title: 'narrow the search to ' + name + ' = ' + cellText(v.value) }, el('span', { text: cellText(v.value) }), el('span', { class: 'count', text: fmtInt(v.count) }));
          b.addEventListener('click', () => {
            const term = name + ':"' + cellText(v.value).replace(/(["\\])/g, '\\$1') + '"';
            const q = $('search-q').value.trim();
            $('search-q').value = q ? q + ' AND ' + term : term;
            runSearch(false);
          });
          return el('li', null, b);
        });
        parts.push(el('h3', { text: name }), el('ul', null, ...items));
      }
    }
    box.replaceChildren(...parts);
  }

  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    runSearch(false);
  });
  $('search-more').addEventListener('click', () => runSearch(true));

  // ------------------------------------------------------------------ start

  if (typeof IntersectionObserver !== 'undefined') {
    const io = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const p = panels.find((x) => x.el === entry.target);
        if (!p) continue;
        p.visible = entry.isIntersecting;
        if (p.visible && Date.now() - p.last >= REFRESH_MS) runPanel(p, false);
      }
    });
    panels.forEach((p) => io.observe(p.el));
  }
  setInterval(tickPanels, 1000);
  connect();
  tickPanels();
  window.lakestreamDashboard = { state, live, connect };
})();
