// The harness's UI driver: lets an integration test, running in the extension host, act on
// the real workbench (Chromium, through playwright-core) where the API cannot: click the
// refactor preview's Apply button, a modal's Preview… button, read what a view shows.
// Served on the harness's loopback endpoint (scripts/runIntegration.js) as
//   GET /ui?action=click|count|text|waitFor|press&css=…&text=…&role=…&name=…&nth=…&timeout=…
// A locator is built from `css` (a CSS selector), narrowed by `text` (contains, case-
// insensitive), then `inner` (a CSS selector inside each match), or `role`+`name` (an ARIA role and its accessible name, exact); `nth` picks
// one match (default the first; count and text use them all).
// Answers JSON: click/waitFor/press {ok: true}; count {count}; text {texts: [...]}; errors 500 {error}.
'use strict';

const DEFAULT_TIMEOUT_MS = 10000;

/** The locator a query describes, or throws when it describes none. */
function locatorFor(page, q) {
  const css = q.get('css');
  const role = q.get('role');
  let loc;
  if (role) loc = (css ? page.locator(css) : page).getByRole(role, { name: q.get('name') ?? undefined, exact: true });
  else if (css) loc = page.locator(css);
  else if (q.get('text')) loc = page.getByText(q.get('text'), { exact: false });
  else throw new Error('a locator needs css, role or text');
  if (q.get('text') && (css || role)) loc = loc.filter({ hasText: q.get('text') });
  // `inner`: a CSS selector inside each match (the checkbox of the row that says "x.yaml").
  if (q.get('inner')) loc = loc.locator(q.get('inner'));
  return loc;
}

function one(loc, q) {
  const nth = q.get('nth');
  return nth === null ? loc.first() : loc.nth(Number(nth));
}

/**
 * Handles one /ui request. `getPage` returns the open workbench page (or null between legs).
 * Never throws: failures answer 500 with the message (a test's assertion then names it).
 */
async function handleUi(url, res, getPage) {
  const q = url.searchParams;
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  try {
    const page = getPage();
    if (!page) throw new Error('the workbench page is not open');
    const timeout = Number(q.get('timeout') || DEFAULT_TIMEOUT_MS);
    const action = q.get('action');
    switch (action) {
      case 'click': {
        const target = one(locatorFor(page, q), q);
        await target.waitFor({ state: 'visible', timeout });
        await target.click({ timeout });
        return send(200, { ok: true });
      }
      case 'waitFor':
        await one(locatorFor(page, q), q).waitFor({ state: q.get('state') || 'visible', timeout });
        return send(200, { ok: true });
      case 'count':
        return send(200, { count: await locatorFor(page, q).count() });
      case 'text':
        return send(200, { texts: await locatorFor(page, q).allInnerTexts() });
      case 'press':
        await page.keyboard.press(q.get('key') || 'Enter');
        return send(200, { ok: true });
      default:
        throw new Error(`unknown action "${action}" (click, waitFor, count, text, press)`);
    }
  } catch (e) {
    send(500, { error: String((e && e.message) || e) });
  }
}

module.exports = { handleUi };
