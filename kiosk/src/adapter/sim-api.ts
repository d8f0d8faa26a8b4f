/** The station's simulated-device endpoints (sim mode only, loopback only). */

export type SimDevice = 'card' | 'scanner';

/** What the station answers: the device fed, the code and how many bytes the simulator produced. */
export interface SimResult {
  device: string;
  code: string;
  bytes: number;
}

/** Feeds `code` to the simulated `device` through its real decode path. */
export async function postSim(device: SimDevice, code: string, fetchFn: typeof fetch = fetch): Promise<SimResult> {
  const res = await fetchFn(`/api/sim/${device}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as SimResult;
}
