// Layout of the answer scales in a real Chromium at the widths respondents use (320 px phones to
// 1920 px screens): the 5-point scale on one row from 768 px up, the 0-10 scale on one row at every
// width with its end labels under 0 and 10, both still labelled groups a keyboard can use. Boxes are
// measured, not eyeballed. With SHOTS_DIR set, a last test saves screenshots of every respondent page.
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { checkA11y, pathOf, submitWith } from './browser.js';
import { useE2e } from './harness.js';

let t: TestApp;
const e2e = useE2e({
  serve() {
    t = makeTestApp({ file: true });
    return t.app;
  },
  close: () => t?.close(),
});

const WIDTHS = [320, 390, 768, 1280, 1920] as const;

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
  width: number;
}

const boxesOf = (locator: Locator): Promise<Box[]> =>
  locator.evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width };
    }),
  );

/** sameRow: every box starts on the first box's line (no wrap). */
function expectOneRow(boxes: Box[], label: string): void {
  expect(boxes.length, label).toBeGreaterThan(1);
  const top = boxes[0]?.top ?? 0;
  for (const [i, b] of boxes.entries()) expect(Math.abs(b.top - top), `${label}: option ${i + 1} on the first row`).toBeLessThan(1);
  for (let i = 1; i < boxes.length; i++) expect(boxes[i]!.left, `${label}: option ${i + 1} right of option ${i}`).toBeGreaterThanOrEqual(boxes[i - 1]!.right);
}

async function pageAt(width: number, unitId: string, sectionId: string): Promise<Page> {
  const page = await e2e.newPage({ viewport: { width, height: 900 }, locale: 'nb-NO', ...(width < 768 ? { isMobile: true, hasTouch: true } : {}) });
  await page.goto(`${e2e.base}/s/${t.code(unitId)}`);
  await submitWith(page, page.getByRole('button', { name: 'Start undersøkelsen', exact: true }));
  await page.goto(`${e2e.base}/s/${t.code(unitId)}/del/${sectionId}`);
  expect(pathOf(page)).toBe(`/s/${t.code(unitId)}/del/${sectionId}`);
  return page;
}

async function expectNoSidewaysScroll(page: Page, label: string): Promise<void> {
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  expect(scroll, `${label}: no sideways scrolling`).toBeLessThanOrEqual(client);
}

/** Every label's text fits inside its option box (nothing spills over a neighbour). */
async function expectLabelsInside(options: Locator, label: string): Promise<void> {
  const spills = await options.evaluateAll((els) =>
    els.filter((el) => {
      const box = el.getBoundingClientRect();
      const l = el.querySelector('label')?.getBoundingClientRect();
      return !l || l.left < box.left - 0.5 || l.right > box.right + 0.5 || (el.querySelector('label')?.scrollWidth ?? 0) > (el.querySelector('label')?.clientWidth ?? 0) + 1;
    }).length,
  );
  expect(spills, `${label}: labels inside their boxes`).toBe(0);
}

test.each(WIDTHS)('at %i px the 5-point scale is one row from 768 px up (a list below), each item its own labelled group', async (width) => {
  const page = await pageAt(width, 'administrasjon', 'hefa_arbeidet');
  const questions = page.locator('.q-likert');
  const count = await questions.count();
  expect(count).toBeGreaterThan(3);
  for (let i = 0; i < count; i++) {
    const q = questions.nth(i);
    const id = (await q.getAttribute('data-item')) ?? '';
    const label = `${width} px, question ${i + 1}`;
    // A labelled group: a fieldset whose legend is the statement, five radios of one name.
    expect(await q.locator('fieldset > legend').count(), label).toBe(1);
    const item = t.survey.items.find((it) => it.id === id);
    expect(await q.getByRole('group', { name: item?.text ?? '?' }).count(), `${label}: a group named by its statement`).toBe(1);
    expect(await q.getByRole('radio').count(), label).toBeGreaterThanOrEqual(5);
    const options = q.locator('.options-likert > .option:not(.option-dk)');
    expect(await options.count(), label).toBe(5);
    const boxes = await boxesOf(options);
    if (width >= 768) expectOneRow(boxes, label);
    else for (let k = 1; k < boxes.length; k++) expect(boxes[k]!.top, `${label}: a list on a phone`).toBeGreaterThanOrEqual(boxes[k - 1]!.bottom);
    await expectLabelsInside(options, label);
  }
  await expectNoSidewaysScroll(page, `${width} px`);
  if (width === 320 || width === 1280) await checkA11y(page, `a likert page at ${width} px`);
});

test.each(WIDTHS)('at %i px the now/desired scales are one row each from 768 px up', async (width) => {
  const page = await pageAt(width, 'hjemmetjenesten', 'hefa_naa_onsket');
  const parts = page.locator('.nd-part');
  expect(await parts.count()).toBeGreaterThan(1);
  for (let i = 0, n = await parts.count(); i < n; i++) {
    const options = parts.nth(i).locator('.options-likert > .option:not(.option-dk)');
    const boxes = await boxesOf(options);
    expect(boxes).toHaveLength(5);
    if (width >= 768) expectOneRow(boxes, `${width} px, part ${i + 1}`);
    await expectLabelsInside(options, `${width} px, part ${i + 1}`);
  }
  await expectNoSidewaysScroll(page, `${width} px`);
  if (width === 390 || width === 1920) await checkA11y(page, `the now/desired page at ${width} px`);
});

test.each(WIDTHS)('at %i px the 0-10 scale is one row with its end labels under 0 and 10', async (width) => {
  const page = await pageAt(width, 'nordby_skole', 'hefa_trivsel');
  const q = page.locator('.q-scale').first();
  const options = q.locator('.options-scale > .option');
  const boxes = await boxesOf(options);
  expect(boxes).toHaveLength(11);
  expectOneRow(boxes, `${width} px`);
  // WCAG 2.2's minimum target (24 px) even at 320 px, and tall enough to hit with a thumb.
  for (const b of boxes) expect(b.width, `${width} px: target width`).toBeGreaterThanOrEqual(24);
  for (const b of boxes) expect(b.bottom - b.top, `${width} px: target height`).toBeGreaterThanOrEqual(44);
  const [low, high] = await boxesOf(q.locator('.scale-ends > span'));
  expect(Math.abs(low!.left - boxes[0]!.left), `${width} px: the low end label starts under 0`).toBeLessThan(1);
  expect(Math.abs(high!.right - boxes[10]!.right), `${width} px: the high end label ends under 10`).toBeLessThan(1);
  expect(low!.bottom, `${width} px: end labels below the numbers`).toBeGreaterThan(boxes[0]!.bottom);
  expect(low!.right, `${width} px: the end labels do not overlap`).toBeLessThan(high!.left);
  await expectNoSidewaysScroll(page, `${width} px`);
  if (width === 320 || width === 1280) await checkA11y(page, `the 0-10 page at ${width} px`);
});

test('the 0-10 scale is a labelled group a keyboard can use, with a visible focus and choice', async () => {
  const page = await pageAt(390, 'solbakken_avd1', 'hefa_trivsel');
  const q = page.locator('.q-scale').first();
  const name = (await q.getAttribute('data-item')) ?? '';
  const group = q.locator('fieldset').first();
  expect(await group.locator('> legend').count()).toBe(1);
  expect(await page.getByRole('radio', { name: '0', exact: true }).count()).toBe(1);
  await page.locator(`input[name="${name}"]`).first().focus();
  const focusRing = (): Promise<string> => page.evaluate(() => getComputedStyle(document.activeElement!.closest('.option')!).outlineStyle);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('0');
  expect(await focusRing(), 'focus is visible on the box').not.toBe('none');
  for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowRight');
  expect(await page.locator(`input[name="${name}"]:checked`).getAttribute('value')).toBe('7');
  const chosen = await q.locator('.option').nth(7).evaluate((el) => getComputedStyle(el).backgroundColor);
  const other = await q.locator('.option').nth(6).evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(chosen, 'the choice is visible').not.toBe(other);
  await checkA11y(page, 'the 0-10 page with a choice made by keyboard');
});

const SHOTS_DIR = process.env.SHOTS_DIR;

test.skipIf(!SHOTS_DIR)('screenshots of every respondent page at 390 and 1280 px (SHOTS_DIR)', async () => {
  const dir = SHOTS_DIR ?? '';
  fs.mkdirSync(dir, { recursive: true });
  for (const width of [390, 1280]) {
    const unit = width === 390 ? 'solsikken_bla' : 'solsikken_gul';
    const page = await e2e.newPage({ viewport: { width, height: 900 }, locale: 'nb-NO' });
    // The whole page, and what the first screen shows (full pages are too tall to read when scaled down).
    const shot = async (name: string): Promise<void> => {
      await page.screenshot({ path: path.join(dir, `${width}-${name}.png`), fullPage: true });
      await page.screenshot({ path: path.join(dir, `${width}-${name}-top.png`) });
    };
    const part = (name: string, locator: Locator): Promise<Buffer> => locator.screenshot({ path: path.join(dir, `${width}-${name}.png`) });
    const base = `${e2e.base}/s/${t.code(unit)}`;
    await page.goto(base);
    await shot('1-welcome');
    await submitWith(page, page.getByRole('button', { name: 'Start undersøkelsen', exact: true }));
    await page.locator('.q-likert').first().locator('label').nth(3).click();
    await shot('2-likert');
    await page.goto(`${base}/del/hefa_trivsel`);
    await page.locator('.q-scale label').nth(8).click();
    await shot('3-scale');
    await part('3-scale-question', page.locator('.q-scale'));
    await page.goto(`${base}/del/hefa_naa_onsket`);
    await shot('4-now-desired');
    await part('4-now-desired-question', page.locator('.q-nowDesired').first());
    await page.goto(`${base}/del/stilling_naa`);
    await page.getByLabel('Hvor stor stilling har du i dag?').fill('60');
    await page.getByText('Større stilling', { exact: true }).click();
    await shot('5-position');
    await submitWith(page, page.getByRole('button', { name: 'Neste', exact: true }));
    await shot('6-position-larger');
    await page.goto(`${base}/oppsummering`);
    await shot('7-review');
    const missing = page.locator('#missing-title + p + ul a').first();
    await missing.click();
    await page.waitForLoadState('load');
    await shot('8-from-review');
    await page.goto(`${base}/takk`);
    await shot('9-thanks');
  }
});
