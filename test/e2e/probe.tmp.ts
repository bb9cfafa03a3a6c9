import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { makeTestApp } from '../helpers/app.js';
import { launchBrowser, checkA11y, PHONE } from './browser.js';
const t = makeTestApp({ file: true });
const server = t.app.listen(0, '127.0.0.1');
await once(server, 'listening');
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await launchBrowser();
const ctx = await browser.newContext(PHONE);
const page = await ctx.newPage();
page.on('console', (m) => console.log('console:', m.text()));
const t0 = Date.now();
await page.goto(`${base}/s/${t.code('administrasjon')}`);
try { await checkA11y(page, 'welcome'); console.log('welcome ok'); } catch (e) { console.log(String(e)); }
await page.getByRole('button', { name: 'Start undersøkelsen' }).click();
await page.waitForURL(/del\//);
console.log(page.url(), await page.locator('#progress-text').textContent());
try { await checkA11y(page, 'p1'); console.log('p1 ok'); } catch (e) { console.log(String(e)); }
await page.goto(`${base}/s/${t.code('administrasjon')}/del/stilling_naa`);
try { await checkA11y(page, 'stilling'); console.log('stilling ok'); } catch (e) { console.log(String(e)); }
await page.goto(`${base}/s/${t.code('administrasjon')}/del/hefa_naa_onsket`);
try { await checkA11y(page, 'nd'); console.log('nd ok'); } catch (e) { console.log(String(e)); }
await page.goto(`${base}/s/${t.code('administrasjon')}/del/hefa_trivsel`);
try { await checkA11y(page, 'trivsel'); console.log('trivsel ok'); } catch (e) { console.log(String(e)); }
await page.goto(`${base}/s/${t.code('administrasjon')}/oppsummering`);
try { await checkA11y(page, 'review'); console.log('review ok'); } catch (e) { console.log(String(e)); }
console.log('ms', Date.now() - t0);
await browser.close(); server.close(); t.close();
