/**
 * The simulated counter's GPIO side: raw beam edges through ESPHome's delayed_on/delayed_off filters
 * and the YAML's direction logic. No broker needed: a counter counts while offline.
 */
import assert from 'node:assert/strict';
import { VisitorCounterSim, debounceBeam, passageEdges, type BeamEdge } from '#hardware/sim/visitor-counter.ts';

const offline = () => new VisitorCounterSim({ url: 'mqtt://127.0.0.1:1', school: 'demo', device: 'counter-1', password: 'x' });

describe('simulated visitor counter: beams to counts', () => {
  it('delayed_on drops a flicker shorter than 20 ms and delays a real break by 20 ms', () => {
    assert.deepEqual(debounceBeam([{ t: 0, broken: true }, { t: 15, broken: false }]), []);
    assert.deepEqual(debounceBeam([{ t: 0, broken: true }, { t: 300, broken: false }]), [
      { t: 20, broken: true },
      { t: 340, broken: false },
    ]);
  });

  it('delayed_off bridges a short gap inside one break (a bag strap swinging), not a 30 ms one', () => {
    // delayed_on runs first and holds the re-break 20 ms, so the gap delayed_off sees is 20 ms longer.
    const gap = (ms: number) => [
      { t: 0, broken: true },
      { t: 100, broken: false },
      { t: 100 + ms, broken: true },
      { t: 300, broken: false },
    ];
    assert.equal(debounceBeam(gap(30)).length, 4);
    const edges = [
      { t: 0, broken: true },
      { t: 100, broken: false },
      { t: 115, broken: true },
      { t: 300, broken: false },
    ];
    assert.deepEqual(debounceBeam(edges), [
      { t: 20, broken: true },
      { t: 340, broken: false },
    ]);
  });

  it('counts a walk in and a walk out, and nothing for someone who turns back', () => {
    const c = offline();
    assert.deepEqual(c.passage('in'), ['in']);
    assert.deepEqual(c.passage('out'), ['out']);
    assert.deepEqual(c.passage('in', { turnBack: true }), []);
    assert.deepEqual(c.passage('out', { turnBack: true }), []);
    assert.deepEqual(c.counts, { in: 1, out: 1, seq: 0 });
  });

  it('ignores noise on one beam and a hand through one beam', () => {
    const c = offline();
    const noise: BeamEdge[] = [];
    for (let t = 0; t < 1000; t += 50) noise.push({ t, beam: 'a', broken: true }, { t: t + 10, beam: 'a', broken: false });
    assert.deepEqual(c.feed(noise), []);
    assert.deepEqual(c.feed([{ t: 0, beam: 'b', broken: true }, { t: 400, beam: 'b', broken: false }]), []);
    assert.deepEqual(c.counts, { in: 0, out: 0, seq: 0 });
  });

  it('still counts a walk in when a beam chatters during it', () => {
    const c = offline();
    const edges = passageEdges('in');
    // Beam A drops out for 10 ms in the middle of the body.
    edges.push({ t: 150, beam: 'a', broken: false }, { t: 160, beam: 'a', broken: true });
    edges.sort((x, y) => x.t - y.t);
    assert.deepEqual(c.feed(edges), ['in']);
  });

  it('two children abreast make one passage: the undercount the daily reset shows as drift', () => {
    const c = offline();
    c.passage('in');
    c.passage('in');
    // Both leave side by side: one beam pattern.
    c.passage('out');
    assert.deepEqual(c.counts, { in: 2, out: 1, seq: 0 });
  });
});
