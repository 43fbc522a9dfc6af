// The one-import entry point offers every module's exports (run by web/kit/js_test.go under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';

test('kit.js re-exports everything the modules export', async () => {
  const all = await import('../kit.js');
  const dir = new URL('..', import.meta.url);
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.js') && f !== 'kit.js')) {
    const mod = await import(new URL(file, dir));
    for (const name of Object.keys(mod)) assert.equal(all[name], mod[name], `${file}: ${name}`);
  }
});
