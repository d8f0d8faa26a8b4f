/** Sim endpoints answer loopback callers only: a device simulator must never be reachable from the LAN. */
import type { NextFunction, Request, Response } from 'express';

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export function loopbackOnly(req: Request, res: Response, next: NextFunction): void {
  if (isLoopback(req.socket.remoteAddress)) return next();
  res.status(403).json({ error: { code: 'LOOPBACK_ONLY', message_vi: 'Chỉ dùng được trên chính máy này.', message_en: 'Only available on this machine.' } });
}
