
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

// Started at once, in parallel with the wasm: the widget needs both.
const configUrl = besideBundle('lab-login.json');
const configFile = fetch(configUrl, { cache: 'no-cache', redirect: 'error' })
  .then(async (r) => [r.status, await r.text()], () => [0, '']);
const wasmFile = fetch(besideBundle(PINNED.wasm.name), { integrity: PINNED.wasm.integrity })
  .then((r) => { if (!r.ok) throw refused(PINNED.wasm.name); return r; },
        () => { throw refused(PINNED.wasm.name); });

function pinnedStylesheet() {
  return new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.crossOrigin = 'anonymous';
    link.integrity = PINNED.css.integrity;
    link.href = besideBundle(PINNED.css.name);
    link.onload = resolve;
    link.onerror = () => { link.remove(); reject(refused(PINNED.css.name)); };
    document.head.append(link);
  });
}

/** Puts a short plain message in place of every widget; nothing else runs. */
function showFailure(error) {
  for (const element of document.querySelectorAll(MOUNT_POINTS)) {
    const message = document.createElement('p');
    message.setAttribute('role', 'alert');
    message.setAttribute('data-testid', 'load-error');
    message.textContent = `The login widget could not start: ${error.message}`;
    element.replaceChildren(message);
  }
}

// The wasm asks for this at start (an import of the glue, resolved in this module's scope).
let fetchedConfig;
function __labLoginConfigFile() {
  return fetchedConfig;
}

async function start() {
  try {
    const [, , [status, text]] = await Promise.all([pinnedStylesheet(), wasmFile, configFile]);
    fetchedConfig = { url: configUrl, status, text };
    // Instantiating runs the wasm's main, which mounts every widget.
    await __wbg_init({ module_or_path: wasmFile });
  } catch (error) {
    showFailure(error instanceof Error && error.message.startsWith('lab-login') ? error : refused(PINNED.wasm.name));
  }
}

start();
