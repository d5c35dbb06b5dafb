import { Role } from './api-key.entity.js';

/** Who is calling: the API key behind the request or WebSocket connection. */
export interface Viewer {
  id: string;
  name: string;
  role: Role;
  /** Set for PARTNER keys: the logistics partner they act for. */
  partnerCode: string | null;
}

/** Role groups used by guards, so that each resolver states its reach in one word. */
export const READERS = [Role.ADMIN, Role.RELATIONSHIP_MANAGER, Role.RISK_OFFICER, Role.VIEWER] as const;
export const CLIENT_WRITERS = [Role.ADMIN, Role.RELATIONSHIP_MANAGER] as const;
export const CLIENT_STATUS_WRITERS = [Role.ADMIN, Role.RELATIONSHIP_MANAGER, Role.RISK_OFFICER] as const;
export const ADMINS = [Role.ADMIN] as const;
/** Every role, PARTNER included. */
export const ANYONE = Object.values(Role);
