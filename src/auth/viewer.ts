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
/** Financing: relationship managers originate deals, disburse approved ones and book repayments. */
export const FINANCING_ORIGINATORS = [Role.ADMIN, Role.RELATIONSHIP_MANAGER] as const;
/** Financing: risk officers open, adjust and freeze credit lines and decide on deals. */
export const CREDIT_OFFICERS = [Role.ADMIN, Role.RISK_OFFICER] as const;
/** Who may read the AML watch list. */
export const COMPLIANCE_READERS = [Role.ADMIN, Role.RISK_OFFICER] as const;
/** Every role, PARTNER included. */
export const ANYONE = Object.values(Role);
/** Logistics: shipments are read by the desk and by PARTNER keys (their own partner's only). */
export const SHIPMENT_READERS = [Role.ADMIN, Role.RELATIONSHIP_MANAGER, Role.RISK_OFFICER, Role.VIEWER, Role.PARTNER] as const;
/** Logistics: who registers shipments. */
export const SHIPMENT_WRITERS = [Role.ADMIN, Role.RELATIONSHIP_MANAGER] as const;
/** Logistics: who may make the hub pull a shipment now. */
export const SHIPMENT_REFRESHERS = [Role.ADMIN, Role.RELATIONSHIP_MANAGER, Role.RISK_OFFICER] as const;
/** Logistics: partner keys push tracking. */
export const PARTNERS = [Role.PARTNER] as const;
/** Risk: who files clients' financial statements. */
export const STATEMENT_WRITERS = [Role.ADMIN, Role.RISK_OFFICER, Role.RELATIONSHIP_MANAGER] as const;
/** Risk: who runs a credit assessment on demand. */
export const RISK_ASSESSORS = [Role.ADMIN, Role.RISK_OFFICER] as const;
/** Risk: who acknowledges and resolves alerts. */
export const ALERT_HANDLERS = [Role.ADMIN, Role.RISK_OFFICER, Role.RELATIONSHIP_MANAGER] as const;
