/** The store's catalogue import events: the newest progress per run, a report never hidden by a late progress event. */
import assert from 'node:assert/strict';
import type { CatalogueImportEvent } from '../../../core/protocol/dashboard-events.ts';
import { applyEvent, createStore } from '../../../dashboard/app/store.ts';

const progress = (runId: number, done: number): CatalogueImportEvent => ({ runId, status: 'running', total: 1000, done, imported: done, updated: 0, rejected: 0 });

describe('dashboard store: catalogue imports', () => {
  it('keeps the newest event of each run, ignores them when logged out, and forgets them at logout', () => {
    const store = createStore();
    applyEvent(store, { type: 'catalogueImport', event: progress(1, 200) });
    assert.deepEqual(store.imports.value, {}, 'nothing kept before login');
    applyEvent(store, { type: 'user', user: { username: 'thuthu', role: 'librarian' } });
    applyEvent(store, { type: 'catalogueImport', event: progress(1, 200) });
    applyEvent(store, { type: 'catalogueImport', event: progress(1, 400) });
    applyEvent(store, { type: 'catalogueImport', event: progress(1, 200) }); // out of order: older
    assert.equal(store.imports.value[1]!.done, 400);
    applyEvent(store, { type: 'catalogueImport', event: { ...progress(1, 600), status: 'cancelled', read: 1000, notProcessed: 400, problems: [] } });
    applyEvent(store, { type: 'catalogueImport', event: progress(1, 800) }); // late progress after the report
    assert.equal(store.imports.value[1]!.status, 'cancelled');
    applyEvent(store, { type: 'loggedOut' });
    assert.deepEqual(store.imports.value, {});
  });

  it('keeps only the 10 latest runs', () => {
    const store = createStore();
    applyEvent(store, { type: 'user', user: { username: 'thuthu', role: 'librarian' } });
    for (let id = 1; id <= 15; id++) applyEvent(store, { type: 'catalogueImport', event: progress(id, 0) });
    assert.deepEqual(
      Object.keys(store.imports.value).map(Number).sort((a, b) => a - b),
      [6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    );
  });
});
