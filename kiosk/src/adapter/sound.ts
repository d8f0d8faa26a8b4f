/**
 * Success and error sounds made with Web Audio oscillators: no files to load, nothing to cache.
 * Browsers start an AudioContext suspended until a user gesture; the kiosk's Chromium runs with
 * --autoplay-policy=no-user-gesture-required (see docs), and the first touch resumes it otherwise.
 */
import type { SoundCue } from '../sound-cues.ts';

interface Tone {
  /** Hz */
  freq: number;
  /** seconds after the cue starts */
  at: number;
  /** seconds */
  dur: number;
  type: OscillatorType;
}

/** Rising and bright for "added"; low, falling and a little rough for "no". Short: the next scan may follow at once. */
export const CUES: Record<SoundCue, Tone[]> = {
  success: [
    { freq: 880, at: 0, dur: 0.09, type: 'sine' },
    { freq: 1320, at: 0.1, dur: 0.14, type: 'sine' },
  ],
  error: [
    { freq: 330, at: 0, dur: 0.16, type: 'triangle' },
    { freq: 220, at: 0.2, dur: 0.26, type: 'triangle' },
  ],
};

export interface Sounds {
  play(cue: SoundCue): void;
  /** Call on a user gesture: lets a suspended AudioContext start. */
  unlock(): void;
}

/** Plays cues on one lazily made AudioContext; silent (never throwing) where Web Audio is missing. */
export function createSounds(makeContext: () => AudioContext | null = defaultContext, volume = 0.25): Sounds {
  let ctx: AudioContext | null | undefined;
  const context = () => {
    if (ctx === undefined) {
      try {
        ctx = makeContext();
      } catch {
        ctx = null;
      }
    }
    return ctx;
  };
  return {
    play(cue) {
      const c = context();
      if (!c) return;
      if (c.state === 'suspended') void c.resume().catch(() => undefined);
      const t0 = c.currentTime + 0.01;
      for (const tone of CUES[cue]) {
        const osc = c.createOscillator();
        const gain = c.createGain();
        osc.type = tone.type;
        osc.frequency.value = tone.freq;
        // A short attack and release: no clicks.
        gain.gain.setValueAtTime(0, t0 + tone.at);
        gain.gain.linearRampToValueAtTime(volume, t0 + tone.at + 0.015);
        gain.gain.linearRampToValueAtTime(0, t0 + tone.at + tone.dur);
        osc.connect(gain).connect(c.destination);
        osc.start(t0 + tone.at);
        osc.stop(t0 + tone.at + tone.dur + 0.02);
      }
    },
    unlock() {
      const c = context();
      if (c && c.state === 'suspended') void c.resume().catch(() => undefined);
    },
  };
}

function defaultContext(): AudioContext | null {
  const Ctor = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  return Ctor ? new Ctor() : null;
}
