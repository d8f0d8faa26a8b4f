/** What the sim endpoints and tests can do with a simulated scanner or card reader. */
export interface CodeReaderSim {
  /** Sends one code as the device's own bytes; resolves with those bytes (reports or line) once sent. */
  type(code: string): Promise<Buffer[]>;
  /** Pulls the device's plug: the driver sees what it sees on real hardware (a read error, a closed port). */
  unplug(): void;
  /** Plugs it back in; the driver finds it on its next poll. */
  replug(): void;
  readonly present: boolean;
}

/** Waits ms milliseconds (0: not at all, so tests stay synchronous). */
export function pause(ms: number): Promise<void> {
  return ms > 0 ? new Promise((res) => setTimeout(res, ms)) : Promise.resolve();
}
