// The browser half of `cargo xtask bench`: drives headless Chromium against the
// demo site (release bundle, emulator on loopback) and prints one JSON object of
// raw samples on its last line; xtask computes medians and writes the table.
// Nothing here asserts: it measures.
//
//   node bench/measure.mjs <site url> <runs> [sections, e.g. sizes,signIn]
import { chromium } from '@playwright/test';
import zlib from 'node:zlib';

const [site, runsArg = '21', only = 'sizes,startup,uploads,signIn'] = process.argv.slice(2);
const RUNS = Number(runsArg);
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
// About 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip (DevTools' "Slow 4G"-like profile).
const SLOW_NETWORK = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
const log = (...a) => console.error('  bench:', ...a);

// Records, inside the page, when the first password input can take typing,
// long tasks (for blocking time), and Event Timing entries (interaction to next paint).
const PROBE = () => {
  window.__bench = { ready: null, longTasks: [], events: [] };
  // When `done()` first holds after a DOM change: the time just after the next
  // frame. A task queued from its animation frame callback runs after its paint;
  // at user-blocking priority it runs before the page's own tasks that were
  // waiting for that frame (a setTimeout would queue behind them and count them).
  // Gives up after 30 s, so that a change that never shows fails the bench.
  window.__bench.whenPainted = (done) => new Promise((resolve, reject) => {
    const observer = new MutationObserver(() => {
      if (!done()) return;
      observer.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => scheduler.postTask(() => resolve(performance.now()), { priority: 'user-blocking' }));
    });
    const timer = setTimeout(() => { observer.disconnect(); reject(new Error(`never painted: ${done}`)); }, 30_000);
    observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  });
  const check = () => {
    const input = document.querySelector('input[type=password]');
    if (input && !input.disabled && input.getClientRects().length) {
      window.__bench.ready = performance.now();
      return true;
    }
    return false;
  };
  const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
  document.addEventListener('DOMContentLoaded', () => { if (check()) observer.disconnect(); });
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__bench.longTasks.push([e.startTime, e.duration]); })
    .observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__bench.events.push([e.name, e.startTime, e.duration, e.processingStart, e.processingEnd]); })
    .observe({ type: 'event', buffered: true, durationThreshold: 0 });
};

async function newPage({ network, cpu } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (network) await cdp.send('Network.emulateNetworkConditions', network);
  if (cpu) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
  await page.addInitScript(PROBE);
  return { context, page, cdp };
}

async function timeToTypeable(url, opts) {
  const { context, page } = await newPage(opts);
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__bench && window.__bench.ready !== null, null, { timeout: 60_000, polling: 10 });
  const ready = await page.evaluate(() => window.__bench.ready);
  await context.close();
  return ready;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

// 1. What the page loads, from what the browser fetched.
async function sizes() {
  const { context, page } = await newPage();
  const fetched = [];
  page.on('response', async (r) => {
    const url = new URL(r.url());
    if (!/\.(js|wasm|css)$/.test(url.pathname) || url.pathname.endsWith('demo-page.css')) return;
    try { fetched.push({ file: url.pathname, body: await r.body() }); } catch { /* redirected or gone */ }
  });
  await page.goto(site);
  await page.waitForFunction(() => window.__bench.ready !== null);
  await page.waitForLoadState('networkidle');
  await context.close();
  return fetched.map(({ file, body }) => ({
    file,
    raw: body.length,
    gzip: zlib.gzipSync(body, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  }));
}

// 2. Navigation start → the password input takes typing, widget and static form alternately.
async function startup() {
  const widget = [], form = [];
  const staticUrl = new URL('static-form.html', site).href;
  await timeToTypeable(site); // warm the server and the disk cache
  for (let i = 0; i < RUNS; i++) {
    widget.push(await timeToTypeable(site));
    form.push(await timeToTypeable(staticUrl));
  }
  const slowRuns = Math.max(3, Math.round(RUNS / 3));
  const slowWidget = [], slowForm = [];
  for (let i = 0; i < slowRuns; i++) {
    slowWidget.push(await timeToTypeable(site, { network: SLOW_NETWORK }));
    slowForm.push(await timeToTypeable(staticUrl, { network: SLOW_NETWORK }));
  }
  const blocking = [];
  for (let i = 0; i < slowRuns; i++) {
    const { context, page } = await newPage({ cpu: 4 });
    await page.goto(site, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__bench.ready !== null, null, { timeout: 60_000 });
    await page.waitForTimeout(1000);
    blocking.push(await page.evaluate(() => window.__bench.longTasks.reduce((sum, [, d]) => sum + Math.max(0, d - 50), 0)));
    await context.close();
  }
  return { widget, form, slowWidget, slowForm, blocking };
}

async function wasmMemoryBytes(cdp) {
  const proto = await cdp.send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
  const found = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId });
  const size = await cdp.send('Runtime.callFunctionOn', {
    objectId: found.objects.objectId,
    functionDeclaration: 'function () { return this.reduce((sum, m) => sum + m.buffer.byteLength, 0); }',
    returnByValue: true,
  });
  return size.result.value;
}

async function heapBytes(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

/**
 * Runs `act` and returns ms from the matching response's end to the paint after
 * `painted(arg)` first holds. Observed in the page (a MutationObserver, then the
 * next frame), so neither Playwright's round trips nor its polling are counted.
 */
async function responseToPaint(page, urlPart, act, painted, arg = null) {
  // A string is evaluated through DevTools, outside the page's CSP (no eval there);
  // `void`, so that Playwright does not wait for the promise here.
  await page.evaluate(`void (window.__paintDone = window.__bench.whenPainted(() => (${painted})(${JSON.stringify(arg)})))`);
  const response = page.waitForResponse((r) => r.url().includes(urlPart));
  await act();
  await response;
  return page.evaluate(async (part) => {
    const painted = await window.__paintDone;
    const entries = performance.getEntriesByType('resource').filter((e) => e.name.includes(part));
    const end = entries[entries.length - 1].responseEnd;
    performance.clearResourceTimings();
    return painted - end;
  }, urlPart);
}

const eventDurations = (page, since) => page.evaluate((t) => window.__bench.events.filter(([, start]) => start >= t), since);
const now = (page) => page.evaluate(() => performance.now());

async function signIn(page, tab, user, password) {
  await page.getByRole('tab', { name: tab }).click();
  const panel = page.getByRole('tabpanel', { name: tab });
  await panel.getByTestId('username').fill(user);
  await panel.getByTestId('password').fill(password);
  return panel;
}

// 3. The uploads view on the 10,000-upload account, under 4× CPU slow-down.
async function uploads() {
  const { context, page, cdp } = await newPage({ cpu: 4 });
  await page.goto(site);
  await page.waitForFunction(() => window.__bench.ready !== null);
  const panel = await signIn(page, 'NOMAD', 'bulk', 'bulk-demo-pw');
  const span = () => page.getByTestId('page-span').textContent();
  const paint10 = await responseToPaint(page, '/uploads', () => panel.getByTestId('password').press('Enter'),
    () => document.querySelectorAll('[data-testid=upload-row]').length === 10);
  const paint100 = await responseToPaint(page, '/uploads', () => page.getByTestId('uploads-page-size').selectOption('100'),
    () => document.querySelectorAll('[data-testid=upload-row]').length === 100);
  const interactions = { paging: [], sorting: [], filtering: [] };
  const measure = async (kind, act, settled) => {
    const t = await now(page);
    await act();
    await page.waitForFunction(settled, null, { timeout: 30_000 });
    await page.waitForTimeout(50);
    const entries = await eventDurations(page, t);
    const clicks = entries.filter(([name]) => ['click', 'pointerup', 'change', 'input', 'keydown'].includes(name));
    interactions[kind].push(Math.max(0, ...clicks.map(([, , d]) => d)));
  };
  const notBusy = () => document.querySelector('[data-testid=uploads]')?.getAttribute('aria-busy') === 'false';
  const fiftyPages = async (button) => {
    for (let i = 0; i < 50; i++) {
      const before = await span();
      await measure('paging', () => page.getByTestId(button).click(),
        (b) => document.querySelector('[data-testid=page-span]')?.textContent !== b && document.querySelector('[data-testid=uploads]')?.getAttribute('aria-busy') === 'false', before);
    }
  };
  // Two rounds of 50 pages (forward to page 51, then back to page 1): the first
  // shows the allocator reaching its working size, the second whether anything
  // keeps growing (a leak).
  const heap0 = await heapBytes(cdp), wasm0 = await wasmMemoryBytes(cdp);
  await fiftyPages('page-next');
  const heap1 = await heapBytes(cdp), wasm1 = await wasmMemoryBytes(cdp);
  await fiftyPages('page-prev');
  const heap2 = await heapBytes(cdp), wasm2 = await wasmMemoryBytes(cdp);
  for (let i = 0; i < 5; i++) {
    await measure('sorting', () => page.getByTestId(i % 2 ? 'sort-name' : 'sort-created').click(), notBusy);
    // A trusted key press (selectOption's synthetic events have no Event Timing entry).
    await page.getByTestId('uploads-filter').focus();
    await measure('filtering', () => page.keyboard.press(i % 2 ? 'ArrowUp' : 'ArrowDown'), notBusy);
  }
  await context.close();
  return { paint10, paint100, interactions, heapGrowth: heap1 - heap0, wasmGrowth: wasm1 - wasm0,
    heapGrowthNext: heap2 - heap1, wasmGrowthNext: wasm2 - wasm1, heap0, wasm0 };
}

// 4. Submit → busy painted, response → signed-in painted, both observed in the
// page; and the Event Timing duration of the submitting key press (keydown, or
// keypress, during which Chromium submits the form; rounded by the browser to
// 8 ms, and only reported from 16 ms up: 0 means under 16 ms).
const SIGN_INS = 21;

/** Before the key press: watch for `form` (a selector) marked busy, and for the key press itself. */
const watchBusy = (page, form) => page.evaluate(`void (
  window.__busyPainted = window.__bench.whenPainted(() => document.querySelector('${form}')?.getAttribute('aria-busy') === 'true'),
  window.__keyAt = new Promise((resolve) => document.addEventListener('keydown', (e) => resolve(e.timeStamp), { capture: true, once: true })))`);
/** After it: ms from the key press to the paint of the busy state. */
const busyPaintedMs = (page) => page.evaluate(async () => (await window.__busyPainted) - (await window.__keyAt));
/** The key press's Event Timing duration since `t` (0 when none was reported). */
const keyPressTiming = async (page, t) =>
  Math.max(0, ...(await eventDurations(page, t)).filter(([name]) => name === 'keydown' || name === 'keypress').map(([, , d]) => d));

async function signInResponsiveness() {
  const out = {};
  const accounts = [
    ['NOMAD', 'newbie', 'newbie-demo-pw', '/auth/token', 'nomad'],
    ['NeMO Archive', 'jdoe', 'nemo-demo-pw', '/login', 'nemo'],
    ['Siminars', 'piyush@siminars.com', 'Hello', '/authtoken', 'siminars'],
    ['Nebula Block', 'demo@nebula.example', 'nebula-demo-pw', '/login', 'nebula'],
  ];
  // The floor on this machine: the static form, whose submit handler (added
  // here) only marks it busy and changes its button's text, as the widget does.
  out.staticForm = { submit: [], eventTiming: [] };
  for (let i = 0; i < SIGN_INS; i++) {
    const { context, page } = await newPage();
    await page.goto(new URL('static-form.html', site).href);
    await page.fill('#u', 'newbie');
    await page.fill('#p', 'newbie-demo-pw');
    const t = await now(page);
    await page.evaluate(() => document.querySelector('form').addEventListener('submit', (e) => {
      e.preventDefault();
      e.target.setAttribute('aria-busy', 'true');
      e.target.querySelector('button[type=submit]').textContent = 'Signing in to NOMAD…';
    }));
    await watchBusy(page, 'form');
    await page.press('#p', 'Enter');
    out.staticForm.submit.push(await busyPaintedMs(page));
    await page.waitForTimeout(100);
    out.staticForm.eventTiming.push(await keyPressTiming(page, t));
    await context.close();
  }
  for (const [tab, user, password, path, key] of accounts) {
    out[key] = { submit: [], eventTiming: [], signedIn: [] };
    for (let i = 0; i < SIGN_INS; i++) {
      const { context, page } = await newPage();
      await page.goto(site);
      await page.waitForFunction(() => window.__bench.ready !== null);
      const panel = await signIn(page, tab, user, password);
      const t = await now(page);
      await watchBusy(page, `[data-testid=form-${key}]`);
      const paint = await responseToPaint(page, path, () => panel.getByTestId('password').press('Enter'),
        (k) => !!document.querySelector(`[data-testid=session-${k}]`), key);
      out[key].submit.push(await busyPaintedMs(page));
      out[key].eventTiming.push(await keyPressTiming(page, t));
      out[key].signedIn.push(paint);
      await context.close();
    }
  }
  return out;
}

const result = {};
if (only.includes('sizes')) {
  log('sizes');
  result.sizes = await sizes();
}
if (only.includes('startup')) {
  log(`start-up, ${RUNS} alternating runs each`);
  result.startup = await startup();
}
if (only.includes('uploads')) {
  log('uploads at scale (4× CPU slow-down), 3 runs');
  result.uploads = [];
  for (let i = 0; i < 3; i++) result.uploads.push(await uploads());
}
if (only.includes('signIn')) {
  log('sign-in responsiveness');
  result.signIn = await signInResponsiveness();
}
await browser.close();
if (result.startup) log(`done; median start-up widget ${median(result.startup.widget).toFixed(0)} ms, form ${median(result.startup.form).toFixed(0)} ms`);
console.log(JSON.stringify(result));
