/** The server's live feed (socket.io, same origin, authenticated by the session cookie). */
import { io, type Socket } from 'socket.io-client';
import type { DashboardClientToServer, DashboardServerToClient } from '../../../core/protocol/dashboard-events.ts';
import { applyEvent, type DashboardStore } from '../store.ts';

export type DashboardSocket = Socket<DashboardServerToClient, DashboardClientToServer>;

export interface LiveHooks {
  /** After a reconnect: whatever happened meanwhile was not pushed, so fetch it. */
  onReconnect(): void;
  /** The server refused or closed the connection (socket.io will not retry that by itself). */
  onRefused(): void;
}

/** Opens the feed into `store`; returns the socket so the caller can close it at logout. */
export function openLive(store: DashboardStore, hooks: LiveHooks, socket: DashboardSocket = io()): DashboardSocket {
  let connectedBefore = false;
  applyEvent(store, { type: 'connecting' });
  socket.on('connect', () => {
    applyEvent(store, { type: 'connected' });
    if (connectedBefore) hooks.onReconnect();
    connectedBefore = true;
  });
  socket.on('disconnect', (reason) => {
    applyEvent(store, { type: 'disconnected' });
    if (reason === 'io server disconnect') hooks.onRefused();
  });
  socket.on('connect_error', () => {
    if (!socket.active) hooks.onRefused();
  });
  socket.on('summary', (summary) => applyEvent(store, { type: 'summary', summary }));
  socket.on('stations', (rows) => applyEvent(store, { type: 'stations', rows }));
  socket.on('event', (e) => applyEvent(store, { type: 'events', events: [e] }));
  socket.on('catalogueImport', (e) => applyEvent(store, { type: 'catalogueImport', event: e }));
  return socket;
}
