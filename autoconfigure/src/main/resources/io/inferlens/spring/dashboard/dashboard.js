/*
 * Inferlens dashboard: polls the inferlens actuator endpoint and renders it.
 *
 * Every value from the API is untrusted text: it only ever reaches the page through
 * textContent (see el()), never as markup, and never in href/src/style/event attributes.
 */
'use strict';

(() => {
  const DASH = '\u2014';
  const NOT_EXPOSED = 'the inferlens endpoint is not exposed: add it to management.endpoints.web.exposure.include';

  const $ = (id) => document.getElementById(id);
  const metaContent = (name) => {
    const meta = document.querySelector('meta[name="' + name + '"]');
    return meta ? meta.getAttribute('content') || '' : '';
  };

  const API = metaContent('inferlens-api').replace(/\/+$/, '');
  const configuredRefresh = Number(metaContent('inferlens-refresh'));
  const REFRESH_MILLIS = Number.isFinite(configuredRefresh) && configuredRefresh >= 250 ? configuredRefresh : 5000;

  const state = {
    summary: null,
    histogramOperation: null, // the operation picked in the select, kept across refreshes
    openTraceId: null,
    openTrace: null,
    statusBySource: {},
  };

  // ---------------------------------------------------------------- helpers

  /** Creates an element; text (if given) is set with textContent only. */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  const cell = (text, className) => el('td', className, text);

  function setNote(id, text) {
    $(id).textContent = text || '';
    $(id).hidden = !text;
  }

  const isNum = (value) => typeof value === 'number' && Number.isFinite(value);
  const fixedFormats = {};
  function fmtFixed(value, digits) {
    if (!isNum(value)) return DASH;
    fixedFormats[digits] = fixedFormats[digits] || new Intl.NumberFormat('en-US',
        { minimumFractionDigits: digits, maximumFractionDigits: digits });
    return fixedFormats[digits].format(value);
  }
  const fmtInt = (value) => fmtFixed(value, 0);
  const fmtMs = (value) => (isNum(value) ? fmtFixed(value, 1) + ' ms' : DASH);
  const fmtPercent = (ratio) => (isNum(ratio) ? fmtFixed(ratio * 100, 1) + '%' : DASH);
  const fmtRate = (value) => fmtFixed(value, 2);

  /** "$12.34", "$0.0081", "$0.000042": four decimals below a dollar, two significant digits below 1/100 cent. */
  function fmtUsd(value) {
    if (!isNum(value)) return DASH;
    if (value === 0 || Math.abs(value) >= 1) return '$' + fmtFixed(value, 2);
    return '$' + (Math.abs(value) >= 0.0001 ? fmtFixed(value, 4) : value.toPrecision(2));
  }

  function fmtPValue(p) {
    return isNum(p) && p < 0.001 ? '< 0.001' : fmtFixed(p, 3);
  }

  /** A histogram bound: "16 ms", "0.5 ms", "1.02 s". */
  function fmtBound(millis) {
    return millis >= 1000 ? parseFloat((millis / 1000).toFixed(2)) + ' s' : parseFloat(millis.toFixed(2)) + ' ms';
  }

  const pad = (n, width) => String(n).padStart(width || 2, '0');

  /** Local time of an ISO timestamp: "10:00:00" (with milliseconds if asked), prefixed by the date if not today. */
  function fmtTime(iso, withMillis) {
    const date = new Date(iso);
    if (!iso || Number.isNaN(date.getTime())) return DASH;
    let text = pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds());
    if (withMillis) text += '.' + pad(date.getMilliseconds(), 3);
    if (date.toDateString() !== new Date().toDateString()) {
      text = date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + ' ' + text;
    }
    return text;
  }

  function fmtAttributeValue(value) {
    if (Array.isArray(value)) return '[' + value.map(fmtAttributeValue).join(', ') + ']';
    return value === null || value === undefined ? 'null' : String(value);
  }

  // ---------------------------------------------------------------- API access

  class HttpError extends Error {
    constructor(status, path) {
      super('HTTP ' + status + ' from ' + API + path);
      this.status = status;
    }
  }

  async function getJson(path) {
    const response = await fetch(API + path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) throw new HttpError(response.status, path);
    return response.json();
  }

  function describeError(error) {
    if (error instanceof HttpError) {
      if (error.status === 404) return NOT_EXPOSED;
      if (error.status === 401 || error.status === 403) return 'access to ' + API + ' denied (HTTP ' + error.status + ')';
      return error.message;
    }
    return 'cannot reach ' + API + ': ' + (error && error.message ? error.message : error);
  }

  function setStatus(source, message) {
    state.statusBySource[source] = message || null;
    const messages = Object.values(state.statusBySource).filter(Boolean);
    $('status').textContent = [...new Set(messages)].join(' · ');
  }

  /** Wraps an async loader so calls never overlap: a call during a run schedules exactly one more run. */
  function singleFlight(load) {
    let running = null;
    let again = false;
    return () => {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        try {
          do {
            again = false;
            await load();
          } while (again);
        } finally {
          running = null;
        }
      })();
      return running;
    };
  }

  // ---------------------------------------------------------------- summary

  const loadSummary = singleFlight(async () => {
    try {
      const summary = await getJson('');
      state.summary = summary;
      setStatus('summary', null);
      renderSummary(summary);
      $('last-updated').textContent = 'updated ' + fmtTime(new Date().toISOString());
    } catch (error) {
      setStatus('summary', describeError(error));
    }
  });

  function renderSummary(summary) {
    const statsOn = summary.traffic !== null && summary.traffic !== undefined;
    setNote('stats-note', statsOn ? '' : 'Statistics are off: tiles, latency and models stay empty.');
    $('traffic-source').textContent = statsOn
      ? (summary.traffic.source === 'operations' ? 'traffic: top-level operations' : 'traffic: HTTP server requests')
      : '';
    renderTiles(summary.traffic, summary.models || []);
    renderHistogram(summary.operations || [], statsOn);
    renderModels(summary.models || [], statsOn);
    renderBreakers(summary.circuitBreakers || []);
    renderExperiments(summary.experiments || []);
    renderErrors(summary.errors);
    renderTraceStoreStats(summary.traceStore);
  }

  function renderTiles(traffic, models) {
    const windows = traffic && Array.isArray(traffic.windows) ? traffic.windows : [];
    const oneMinute = windows.find((w) => w.name === '1m') || windows[0] || null;
    const others = windows.filter((w) => w !== oneMinute);
    const sub = (format) => others.map((w) => w.name + ' ' + format(w)).join(' · ');

    $('tile-throughput').textContent = oneMinute ? fmtRate(oneMinute.throughput) : DASH;
    $('tile-throughput-sub').textContent = sub((w) => fmtRate(w.throughput));
    $('tile-error-rate').textContent = oneMinute ? fmtPercent(oneMinute.errorRate) : DASH;
    $('tile-error-rate-sub').textContent = oneMinute
      ? fmtInt(oneMinute.errors) + ' of ' + fmtInt(oneMinute.requests) + ' requests' : '';
    $('tile-p95').textContent = oneMinute ? fmtMs(oneMinute.p95Millis) : DASH;
    $('tile-p95-sub').textContent = sub((w) => fmtMs(w.p95Millis));

    const sum = (key) => models.reduce((total, m) => total + (isNum(m[key]) ? m[key] : 0), 0);
    const hasModels = traffic && models.length > 0;
    const hasCost = hasModels && models.some((m) => isNum(m.costUsd));
    $('tile-tokens').textContent = hasModels ? fmtInt(sum('inputTokens') + sum('outputTokens')) : DASH;
    $('tile-tokens-sub').textContent = hasModels
      ? fmtInt(sum('inputTokens')) + ' in · ' + fmtInt(sum('outputTokens')) + ' out' : '';
    $('tile-cost').textContent = hasCost ? fmtUsd(sum('costUsd')) : DASH;
    $('tile-cost-sub').textContent = hasModels ? models.length + (models.length === 1 ? ' model' : ' models') : '';
  }

  function renderHistogram(operations, statsOn) {
    const select = $('histogram-operation');
    const names = operations.map((op) => op.name);
    if (names.join('\n') !== Array.from(select.options, (o) => o.value).join('\n')) {
      select.replaceChildren(...names.map((name) => {
        const option = el('option', null, name);
        option.value = name;
        return option;
      }));
    }
    if (!names.includes(state.histogramOperation)) {
      state.histogramOperation = names.length ? names[0] : null; // busiest first
    }
    select.value = state.histogramOperation || '';
    select.disabled = names.length === 0;

    const chart = $('latency-histogram');
    const stats = $('histogram-stats');
    const operation = operations.find((op) => op.name === state.histogramOperation);
    const buckets = operation && Array.isArray(operation.histogram) ? operation.histogram : [];
    chart.replaceChildren();
    stats.textContent = '';
    setNote('histogram-note', !statsOn ? 'Statistics are off.' : buckets.length ? '' : 'No data yet.');
    if (!operation) return;
    const max = Math.max(1, ...buckets.map((b) => b.count || 0));
    buckets.forEach((bucket, i) => {
      const label = isNum(bucket.upperBoundMillis)
        ? '\u2264 ' + fmtBound(bucket.upperBoundMillis)
        : '> ' + (i > 0 ? fmtBound(buckets[i - 1].upperBoundMillis) : '0 ms');
      const bar = el('div', 'bar');
      bar.title = label + ': ' + fmtInt(bucket.count);
      const track = el('div', 'bar-track');
      const fill = el('div', 'bar-fill');
      fill.style.height = ((bucket.count || 0) / max) * 100 + '%';
      track.append(el('span', 'bar-count', fmtInt(bucket.count)), fill);
      bar.append(track, el('div', 'bar-label', label));
      chart.append(bar);
    });
    stats.textContent = fmtInt(operation.count) + ' calls · ' + fmtInt(operation.errors) + ' errors · mean '
        + fmtMs(operation.meanMillis) + ' · p50 ' + fmtMs(operation.p50Millis) + ' · p95 ' + fmtMs(operation.p95Millis)
        + ' · p99 ' + fmtMs(operation.p99Millis) + ' · max ' + fmtMs(operation.maxMillis);
  }

  function renderModels(models, statsOn) {
    const tbody = $('models').tBodies[0];
    tbody.replaceChildren(...models.map((m) => {
      const row = el('tr');
      row.append(cell(m.model), cell(fmtInt(m.requests), 'num'), cell(fmtInt(m.errors), m.errors > 0 ? 'num bad' : 'num'),
          cell(fmtInt(m.inputTokens), 'num'), cell(fmtInt(m.outputTokens), 'num'), cell(fmtUsd(m.costUsd), 'num'),
          cell(fmtMs(m.meanMillis), 'num'), cell(fmtMs(m.p95Millis), 'num'));
      return row;
    }));
    setNote('models-note', !statsOn ? 'Statistics are off.' : models.length ? '' : 'No data yet.');
  }

  const BREAKER_STATES = ['closed', 'half_open', 'open'];

  function renderBreakers(breakers) {
    $('circuit-breakers').replaceChildren(...breakers.map((b) => {
      const known = BREAKER_STATES.includes(b.state) ? b.state : 'unknown';
      const item = el('li', 'breaker state-' + known);
      item.append(el('span', 'breaker-name', b.name), el('span', 'breaker-state', String(b.state).replace('_', ' ')));
      return item;
    }));
    setNote('breakers-note', breakers.length ? '' : 'No circuit breakers.');
  }

  function renderExperiments(experiments) {
    $('experiments').replaceChildren(...experiments.map((experiment) => {
      const block = el('div', 'experiment');
      const table = el('table', 'data');
      const head = el('tr');
      ['Variant', 'Control', 'Weight', 'Assigned', 'Outcomes', 'Success', 'z', 'p'].forEach((title, i) => {
        head.append(el('th', i > 1 ? 'num' : null, title));
      });
      const tbody = el('tbody');
      (experiment.variants || []).forEach((v) => {
        const row = el('tr');
        const significant = isNum(v.pValue) && v.pValue < 0.05;
        row.append(cell(v.name), cell(v.control ? 'control' : ''), cell(fmtPercent(v.weight), 'num'),
            cell(fmtInt(v.assignments), 'num'), cell(fmtInt(v.outcomes), 'num'),
            cell(fmtPercent(v.successRate), 'num'), cell(fmtFixed(v.zScore, 2), 'num'),
            cell(fmtPValue(v.pValue), significant ? 'num significant' : 'num'));
        tbody.append(row);
      });
      table.append(el('thead'), tbody);
      table.tHead.append(head);
      block.append(el('h3', null, experiment.name), table);
      return block;
    }));
    setNote('experiments-note', experiments.length ? '' : 'No experiments.');
  }

  function renderErrors(errors) {
    const groups = errors && Array.isArray(errors.groups) ? errors.groups : [];
    $('errors-total').textContent = errors && isNum(errors.total) ? fmtInt(errors.total) + ' in total' : '';
    $('errors').tBodies[0].replaceChildren(...groups.map((group) => {
      const row = el('tr');
      row.dataset.fingerprint = group.fingerprint;
      const type = cell(null, 'error-type');
      type.title = group.type || '';
      type.append(el('strong', null, group.errorType || group.type));
      if (group.frame) {
        type.append(el('div', 'mono small muted', group.frame));
      }
      const seen = cell(fmtTime(group.lastSeen));
      seen.title = 'first seen ' + fmtTime(group.firstSeen) + ', last seen ' + (group.lastSeen || '');
      const links = cell(null, 'trace-links');
      (group.recentTraceIds || []).forEach((traceId) => {
        const link = el('button', 'trace-link mono', traceId);
        link.type = 'button';
        link.dataset.traceId = traceId;
        link.addEventListener('click', () => openTrace(traceId, true));
        links.append(link);
      });
      row.append(type, cell(group.operation), cell(fmtInt(group.count), 'num'), cell(group.lastMessage, 'message'),
          seen, links);
      return row;
    }));
    setNote('errors-note', groups.length ? '' : 'No errors recorded.');
  }

  function renderTraceStoreStats(store) {
    $('trace-store-stats').textContent = store
      ? fmtInt(store.traces) + ' stored · ' + fmtInt(store.droppedSpans) + ' dropped spans · '
        + fmtInt(store.evictedTraces) + ' evicted'
      : '';
  }

  // ---------------------------------------------------------------- traces list

  function traceQuery() {
    const params = new URLSearchParams();
    if ($('filter-errors').checked) params.set('errors', 'true');
    const slowerThan = $('filter-slower-than').value.trim();
    if (slowerThan) params.set('slowerThan', slowerThan);
    const model = $('filter-model').value.trim();
    if (model) params.set('model', model);
    params.set('limit', '50');
    return '/traces?' + params.toString();
  }

  const loadTraces = singleFlight(async () => {
    try {
      const result = await getJson(traceQuery());
      setStatus('traces', null);
      renderTraces(result.traces || []);
    } catch (error) {
      if (error instanceof HttpError && (error.status === 404 || error.status === 400)) {
        setStatus('traces', null);
        $('traces').tBodies[0].replaceChildren();
        setNote('traces-note', error.status === 404
          ? 'The trace store is off.'
          : 'Invalid filter: "slower than" takes e.g. 500ms, 2s, PT1S or a number of milliseconds.');
      } else {
        setStatus('traces', describeError(error));
      }
    }
  });

  function renderTraces(traces) {
    $('traces').tBodies[0].replaceChildren(...traces.map((trace) => {
      const row = el('tr', trace.traceId === state.openTraceId ? 'selected' : null);
      row.dataset.traceId = trace.traceId;
      row.tabIndex = 0;
      const start = cell(fmtTime(trace.start, true), 'mono');
      start.title = trace.start || '';
      const name = cell(trace.name);
      name.title = trace.traceId;
      const markers = cell(null, 'markers');
      if (trace.error) markers.append(el('span', 'badge badge-error', 'error'));
      if (trace.slow) markers.append(el('span', 'badge badge-slow', 'slow'));
      if (trace.droppedSpans > 0) markers.append(el('span', 'badge', fmtInt(trace.droppedSpans) + ' dropped'));
      // tokens and cost of the trace's model calls, from their records
      const tokens = isNum(trace.inputTokens) || isNum(trace.outputTokens)
        ? fmtInt(trace.inputTokens) + ' / ' + fmtInt(trace.outputTokens) : DASH;
      const tokensCell = cell(tokens, 'num');
      tokensCell.title = 'input / output tokens of ' + fmtInt(trace.inferences || 0) + ' model calls';
      row.append(start, name, cell(fmtMs(trace.durationMillis), 'num'), cell(fmtInt(trace.spanCount), 'num'),
          cell((trace.models || []).join(', ')), tokensCell, cell(fmtUsd(trace.cost), 'num'), markers);
      return row;
    }));
    const filtered = traceQuery() !== '/traces?limit=50';
    setNote('traces-note', traces.length ? '' : filtered ? 'No trace matches these filters.' : 'No traces yet.');
  }

  function onTraceRowActivated(event) {
    const row = event.target.closest('tr[data-trace-id]');
    if (row && (event.type === 'click' || event.key === 'Enter')) {
      openTrace(row.dataset.traceId, false);
    }
  }

  // ---------------------------------------------------------------- trace detail

  async function openTrace(traceId, scroll) {
    state.openTraceId = traceId;
    state.openTrace = null;
    document.querySelectorAll('#traces tbody tr').forEach((row) => {
      row.classList.toggle('selected', row.dataset.traceId === traceId);
    });
    const detail = $('trace-detail');
    detail.hidden = false;
    $('trace-title').textContent = 'Trace';
    $('trace-meta').textContent = traceId;
    setNote('trace-note', 'Loading\u2026');
    $('waterfall').replaceChildren();
    $('span-attributes').tBodies[0].replaceChildren();
    $('trace-logs').replaceChildren();
    setNote('logs-note', '');
    if (scroll) detail.scrollIntoView({ block: 'start' });
    let trace;
    try {
      trace = await getJson('/traces/' + encodeURIComponent(traceId));
    } catch (error) {
      if (state.openTraceId === traceId) {
        setNote('trace-note', error instanceof HttpError && error.status === 404
          ? 'Trace ' + traceId + ' is not in the store (it may have been evicted, or the trace store is off).'
          : describeError(error));
      }
      return;
    }
    if (state.openTraceId === traceId) { // ignore a late answer for a trace that is no longer open
      state.openTrace = trace;
      renderTrace(trace);
    }
  }

  function closeTrace() {
    state.openTraceId = null;
    state.openTrace = null;
    $('trace-detail').hidden = true;
    document.querySelectorAll('#traces tbody tr.selected').forEach((row) => row.classList.remove('selected'));
  }

  /** Depth-first list of {span, depth} in start order. */
  function flattenSpans(spans, depth, out) {
    (spans || []).forEach((span) => {
      out.push({ span, depth });
      flattenSpans(span.children, depth + 1, out);
    });
    return out;
  }

  function renderTrace(trace) {
    const summary = trace.summary || {};
    const rows = flattenSpans(trace.spans, 0, []);
    $('trace-title').textContent = summary.name || 'Trace';
    $('trace-meta').textContent = [summary.traceId, fmtTime(summary.start, true), fmtMs(summary.durationMillis),
      fmtInt(summary.spanCount) + ' spans', summary.droppedSpans > 0 ? fmtInt(summary.droppedSpans) + ' dropped' : '']
        .filter(Boolean).join(' · ');
    setNote('trace-note', rows.length ? '' : 'This trace has no spans.');

    const total = Math.max(isNum(summary.durationMillis) ? summary.durationMillis : 0,
        ...rows.map(({ span }) => (span.offsetMillis || 0) + (span.durationMillis || 0))) || 1;
    const percent = (millis) => Math.min(100, Math.max(0, ((millis || 0) / total) * 100));
    $('waterfall').replaceChildren(...rows.map(({ span, depth }) => {
      const row = el('div', span.status === 'ERROR' ? 'span-row error' : 'span-row');
      row.dataset.spanId = span.spanId;
      row.tabIndex = 0;
      const name = el('div', 'span-name', span.name);
      name.style.paddingLeft = depth * 16 + 6 + 'px';
      name.title = span.name + (span.kind ? ' (' + span.kind + ')' : '');
      const track = el('div', 'span-track');
      const bar = el('div', 'span-bar');
      bar.style.left = percent(span.offsetMillis) + '%';
      bar.style.width = Math.min(percent(span.durationMillis), 100 - percent(span.offsetMillis)) + '%';
      track.append(bar);
      (span.events || []).forEach((event) => {
        const mark = el('div', 'span-event');
        mark.style.left = percent(event.offsetMillis) + '%';
        mark.title = event.name + ' at ' + fmtMs(event.offsetMillis);
        track.append(mark);
      });
      row.append(name, track, el('div', 'span-duration', fmtMs(span.durationMillis)));
      return row;
    }));
    if (rows.length) selectSpan(rows[0].span.spanId);
    renderLogs(trace.logs || []);
  }

  function findSpan(spanId) {
    const trace = state.openTrace;
    const found = trace ? flattenSpans(trace.spans, 0, []).find(({ span }) => span.spanId === spanId) : null;
    return found ? found.span : null;
  }

  function selectSpan(spanId) {
    const span = findSpan(spanId);
    if (!span) return;
    document.querySelectorAll('#waterfall .span-row').forEach((row) => {
      row.classList.toggle('selected', row.dataset.spanId === spanId);
    });
    const tbody = $('span-attributes').tBodies[0];
    const kv = (key, value, className) => {
      const row = el('tr', className);
      row.append(el('th', null, key), el('td', null, value));
      tbody.append(row);
    };
    const section = (title) => {
      const row = el('tr', 'kv-section');
      const th = el('th', null, title);
      th.colSpan = 2;
      row.append(th);
      tbody.append(row);
    };
    const attributes = (map) => Object.keys(map || {}).sort().forEach((key) => kv(key, fmtAttributeValue(map[key])));

    tbody.replaceChildren();
    kv('name', span.name);
    kv('span id', span.spanId);
    kv('kind', span.kind || DASH);
    kv('status', span.status + (span.statusDescription ? ': ' + span.statusDescription : ''),
        span.status === 'ERROR' ? 'error' : null);
    kv('start', '+' + fmtMs(span.offsetMillis));
    kv('duration', fmtMs(span.durationMillis));
    section('attributes');
    if (Object.keys(span.attributes || {}).length === 0) kv(DASH, 'no attributes');
    attributes(span.attributes);
    (span.events || []).forEach((event) => {
      section('event ' + event.name + ' at +' + fmtMs(event.offsetMillis));
      attributes(event.attributes);
    });
  }

  function onSpanRowActivated(event) {
    const row = event.target.closest('.span-row');
    if (row && (event.type === 'click' || event.key === 'Enter')) {
      selectSpan(row.dataset.spanId);
    }
  }

  function renderLogs(logs) {
    $('trace-logs').replaceChildren(...logs.map((log) => {
      const level = String(log.level || '').toLowerCase();
      const item = el('li', 'log level-' + (/^(trace|debug|info|warn|error)$/.test(level) ? level : 'other'));
      if (log.spanId) {
        item.dataset.spanId = log.spanId;
        item.title = 'span ' + log.spanId + (log.thread ? ' · thread ' + log.thread : '');
      }
      item.append(el('span', 'log-offset mono', '+' + fmtMs(log.offsetMillis)), el('span', 'log-level', log.level),
          el('span', 'log-logger mono', log.logger), el('span', 'log-message', log.message));
      const keyValues = Object.keys(log.keyValues || {});
      if (keyValues.length) {
        item.append(el('span', 'log-kv mono', keyValues.map((k) => k + '=' + fmtAttributeValue(log.keyValues[k]))
            .join(' ')));
      }
      if (log.throwableClass) {
        item.append(el('div', 'log-throwable mono',
            log.throwableClass + (log.throwableMessage ? ': ' + log.throwableMessage : '')));
      }
      return item;
    }));
    setNote('logs-note', logs.length ? '' : 'No log lines captured for this trace.');
  }

  // ---------------------------------------------------------------- wiring

  async function refresh() {
    if (!document.hidden) {
      await Promise.all([loadSummary(), loadTraces()]);
    }
    setTimeout(refresh, REFRESH_MILLIS); // scheduled after the answers: polls never pile up
  }

  function debounce(action, millis) {
    let timer = null;
    return () => {
      clearTimeout(timer);
      timer = setTimeout(action, millis);
    };
  }

  function init() {
    $('histogram-operation').addEventListener('change', (event) => {
      state.histogramOperation = event.target.value;
      if (state.summary) renderHistogram(state.summary.operations || [], state.summary.traffic != null);
    });
    const reloadTraces = debounce(loadTraces, 300);
    $('filter-errors').addEventListener('change', () => loadTraces());
    ['filter-slower-than', 'filter-model'].forEach((id) => {
      $(id).addEventListener('input', reloadTraces);
      $(id).addEventListener('change', () => loadTraces());
    });
    const tracesBody = $('traces').tBodies[0];
    tracesBody.addEventListener('click', onTraceRowActivated);
    tracesBody.addEventListener('keydown', onTraceRowActivated);
    $('waterfall').addEventListener('click', onSpanRowActivated);
    $('waterfall').addEventListener('keydown', onSpanRowActivated);
    $('trace-logs').addEventListener('click', (event) => {
      const item = event.target.closest('li[data-span-id]');
      if (item) selectSpan(item.dataset.spanId);
    });
    $('trace-close').addEventListener('click', closeTrace);
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) {
        loadSummary();
        loadTraces();
      }
    });
    refresh();
  }

  init();
})();
