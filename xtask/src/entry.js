
// ---- lab-login entry ---------------------------------------------------------
// Above: wasm-bindgen's glue, folded in so that the page's one `integrity` value
// on this file pins it. Below: start-up. The .wasm and the stylesheet are
// fetched with the integrity values `cargo xtask dist` wrote here, so pinning
// this file pins the whole release. Every file is found beside this module
// (import.meta.url), never relative to the page or its <base>.
const PINNED = {
  wasm: { name: 'lab-login.wasm', integrity: '__WASM_INTEGRITY__' },
  css: { name: 'lab-login.css', integrity: '__CSS_INTEGRITY__' },
};
const MOUNT_POINTS = '[data-lab-login], lab-login';
const besideBundle = (name) => new URL(name, import.meta.url).href;
const refused = (name) => new Error(`${name} did not load, or it is not the file this release was built with.`);

// Started at once, in parallel with the wasm: the widget needs both. A server
// that never answers gets 20 s, so that every widget says so instead of
// waiting for ever.
const configUrl = besideBundle('lab-login.json');
const configAbort = new AbortController();
const configTimer = setTimeout(() => configAbort.abort(), 20_000);
const configFile = fetch(configUrl, { cache: 'no-cache', redirect: 'error', signal: configAbort.signal })
  .then((r) => r.text().then((text) => [r.status, text]))
  .catch(() => [0, ''])
  .finally(() => clearTimeout(configTimer));
const wasmFile = fetch(besideBundle(PINNED.wasm.name), { integrity: PINNED.wasm.integrity })
  .then((r) => { if (!r.ok) throw refused(PINNED.wasm.name); return r; },
        () => { throw refused(PINNED.wasm.name); });
// Compiled while the stylesheet and the configuration load. With an integrity
// value the whole file has arrived and been checked before compiling starts; a
// server that does not say application/wasm gets the slower whole-file path.
const compiledWasm = wasmFile.then((r) =>
  // Exactly application/wasm, as compileStreaming demands (parameters make it refuse).
  ((r.headers.get('Content-Type') || '').trim().toLowerCase() === 'application/wasm'
    ? WebAssembly.compileStreaming(r)
    : r.arrayBuffer().then((bytes) => WebAssembly.compile(bytes)))
    .catch((error) => {
      console.error('lab-login could not start', error);
      throw new Error('it failed while starting (see the console).');
    }));

function pinnedStylesheet() {
  return new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.crossOrigin = 'anonymous';
    link.integrity = PINNED.css.integrity;
    link.href = besideBundle(PINNED.css.name);
    link.onload = resolve;
    link.onerror = () => { link.remove(); reject(refused(PINNED.css.name)); };
    (document.head ?? document.documentElement).append(link);
  });
}

/** Puts a short plain message in place of every widget; nothing else runs. */
function showFailure(error) {
  for (const element of Document.prototype.querySelectorAll.call(document, MOUNT_POINTS)) {
    const message = document.createElement('p');
    message.setAttribute('role', 'alert');
    message.setAttribute('data-testid', 'load-error');
    message.textContent = `The login widget could not start: ${error.message}`;
    element.replaceChildren(message);
  }
}

// The wasm asks for these at start (imports of the glue, resolved in this module's scope).
let fetchedConfig;
function __labLoginConfigFile() {
  return fetchedConfig;
}
function __labLoginStylesheet() {
  return { href: besideBundle(PINNED.css.name), integrity: PINNED.css.integrity };
}

let widgets; // the wasm's functions, once it has started
const waiting = new Map(); // element → its mount() options, before the start
const mountedFromCode = new Set(); // host script owns these: markup rules leave them alone

function mountFromCode(element, options) {
  widgets.mount(element, options);
  mountedFromCode.add(element);
}

function __labLoginReady(api) {
  widgets = api;
  for (const [element, options] of waiting) {
    try { mountFromCode(element, options); } catch (error) { console.error(error); }
  }
  waiting.clear();
  if (!customElements.get('lab-login')) {
    customElements.define('lab-login', class extends HTMLElement {
      static observedAttributes = api.attributes;
      connectedCallback() { if (!mountedFromCode.has(this)) widgets.connect(this, false); }
      disconnectedCallback() { if (!mountedFromCode.has(this)) widgets.disconnect(this); }
      attributeChangedCallback(name) { if (!mountedFromCode.has(this)) widgets.changed(this, name); }
    });
  }
  // <div data-lab-login>: present now, added or removed later, or changed.
  const divs = (node) => (node.nodeType !== 1 ? [] : [...(node.matches('div[data-lab-login]') ? [node] : []), ...node.querySelectorAll('div[data-lab-login]')])
    .filter((div) => !mountedFromCode.has(div));
  for (const div of divs(document.documentElement)) widgets.connect(div, true);
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes') {
        if (record.target.matches('div[data-lab-login]') && !mountedFromCode.has(record.target)) widgets.changed(record.target, record.attributeName);
        continue;
      }
      for (const node of record.removedNodes) {
        if (node.nodeType === 1 && !node.isConnected) for (const div of divs(node)) widgets.disconnect(div);
      }
      for (const node of record.addedNodes) for (const div of divs(node)) if (div.isConnected) widgets.connect(div, true);
    }
    // Host-mounted widgets that left the page for good stop their timers and requests.
    for (const element of mountedFromCode) {
      if (!element.isConnected) { widgets.unmount(element); mountedFromCode.delete(element); }
    }
  }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: api.attributes.map((a) => `data-${a}`) });
}

/**
 * Mounts a widget into `element`, configured by host script (see lab-login.d.ts).
 * Before the bundle has started, the widget mounts as soon as it has.
 * Throws (once started) when the options are of the wrong type.
 */
export function mount(element, options = {}) {
  if (!(element instanceof HTMLElement)) throw new TypeError('lab-login: mount() needs an element');
  if (widgets) mountFromCode(element, options); else waiting.set(element, options);
  let current = true;
  return {
    unmount() {
      if (!current) return;
      current = false;
      waiting.delete(element);
      if (mountedFromCode.delete(element) && widgets) widgets.unmount(element);
    },
    signOut(provider) { if (current && widgets) widgets.signOut(element, String(provider)); },
  };
}

// Markup can hide a document method behind an element's name (<img name="createElement">);
// the glue calls these, so refuse to start rather than break half-way.
const DOCUMENT_NAMES = ['createElement', 'createElementNS', 'createTextNode', 'createComment', 'querySelector',
  'querySelectorAll', 'getElementById', 'head', 'body', 'documentElement', 'defaultView'];

async function start() {
  let module, status, text;
  try {
    [, module, [status, text]] = await Promise.all([pinnedStylesheet(), compiledWasm, configFile]);
  } catch (error) {
    showFailure(error);
    return;
  }
  const hidden = DOCUMENT_NAMES.find((name) => Object.getOwnPropertyDescriptor(document, name));
  if (hidden) {
    showFailure(new Error(`the page has an element named "${hidden}", which hides document.${hidden}.`));
    return;
  }
  fetchedConfig = { url: configUrl, status, text, timedOut: configAbort.signal.aborted };
  try {
    // Instantiating runs the wasm's main, which mounts every widget.
    await __wbg_init({ module_or_path: module });
  } catch (error) {
    console.error('lab-login could not start', error);
    showFailure(new Error('it failed while starting (see the console).'));
  }
}

start();
