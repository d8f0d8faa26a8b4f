/** Mocha root hooks: release what tests share (the Chromium instance) once everything ran. */
import { closeSharedChromium } from './helpers/chromium.ts';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await closeSharedChromium();
  },
};
