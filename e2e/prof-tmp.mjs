import { chromium } from '@playwright/test';
import fs from 'node:fs';
const site = process.argv[2];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const agg = new Map(); const self = new Map();
for (let i = 0; i < 8; i++) {
  const context = await browser.newContext(); const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable'); await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  await page.goto(site, { waitUntil: 'commit' });
  await page.waitForSelector('input[type=password]');
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map(); for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const dt = profile.timeDeltas; 
  profile.samples.forEach((id, k) => {
    const d = (dt[k + 1] ?? 0) / 1000;
    const n = byId.get(id); const name = n.callFrame.functionName || '(anon ' + n.callFrame.url.split('/').pop() + ')';
    self.set(name, (self.get(name) || 0) + d);
    const seen = new Set(); let cur = id;
    while (cur !== undefined) { const f = byId.get(cur).callFrame; const nm = f.functionName || '(anon)'; if (!seen.has(nm)) { seen.add(nm); agg.set(nm, (agg.get(nm) || 0) + d); } cur = parent.get(cur); }
  });
  await context.close();
}
const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${(v / 8).toFixed(2).padStart(7)} ${k.slice(0, 140)}`).join('\n');
console.log('SELF\n' + top(self, 40)); console.log('TOTAL\n' + top(agg, 70));
await browser.close();
