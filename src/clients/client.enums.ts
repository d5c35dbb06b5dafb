import { registerEnumType } from 'type-graphql';

export enum ClientKind {
  CORE_ENTERPRISE = 'CORE_ENTERPRISE',
  SUPPLIER = 'SUPPLIER',
  DISTRIBUTOR = 'DISTRIBUTOR',
  LOGISTICS_PROVIDER = 'LOGISTICS_PROVIDER',
}

export enum Industry {
  AUTOMOTIVE = 'AUTOMOTIVE',
  HOME_APPLIANCES = 'HOME_APPLIANCES',
  MACHINERY = 'MACHINERY',
  ELECTRONICS = 'ELECTRONICS',
  CHEMICALS = 'CHEMICALS',
  TEXTILES = 'TEXTILES',
  FOOD_AND_BEVERAGE = 'FOOD_AND_BEVERAGE',
  RETAIL = 'RETAIL',
  WHOLESALE = 'WHOLESALE',
  LOGISTICS = 'LOGISTICS',
  CONSTRUCTION = 'CONSTRUCTION',
  NEW_ENERGY = 'NEW_ENERGY',
  BIOMEDICINE = 'BIOMEDICINE',
  SEMICONDUCTORS = 'SEMICONDUCTORS',
}

/** How much an industry's credit quality swings; risk scoring asks more of volatile ones. */
export enum VolatilityClass {
  MATURE = 'MATURE',
  VOLATILE = 'VOLATILE',
}

/** Manufacturing, trade and services are mature; new energy, biomedicine and chips are volatile. */
export const INDUSTRY_VOLATILITY: Record<Industry, VolatilityClass> = {
  AUTOMOTIVE: VolatilityClass.MATURE,
  HOME_APPLIANCES: VolatilityClass.MATURE,
  MACHINERY: VolatilityClass.MATURE,
  ELECTRONICS: VolatilityClass.MATURE,
  CHEMICALS: VolatilityClass.MATURE,
  TEXTILES: VolatilityClass.MATURE,
  FOOD_AND_BEVERAGE: VolatilityClass.MATURE,
  RETAIL: VolatilityClass.MATURE,
  WHOLESALE: VolatilityClass.MATURE,
  LOGISTICS: VolatilityClass.MATURE,
  CONSTRUCTION: VolatilityClass.MATURE,
  NEW_ENERGY: VolatilityClass.VOLATILE,
  BIOMEDICINE: VolatilityClass.VOLATILE,
  SEMICONDUCTORS: VolatilityClass.VOLATILE,
};

export enum CreditRating {
  AAA = 'AAA',
  AA = 'AA',
  A = 'A',
  BBB = 'BBB',
  BB = 'BB',
  B = 'B',
  CCC = 'CCC',
  CC = 'CC',
  C = 'C',
  D = 'D',
}

export enum ClientStatus {
  PROSPECT = 'PROSPECT',
  ACTIVE = 'ACTIVE',
  WATCHLIST = 'WATCHLIST',
  SUSPENDED = 'SUSPENDED',
  TERMINATED = 'TERMINATED',
}

/** Allowed status moves. Termination is final: a terminated client is re-onboarded as a new one. */
export const CLIENT_STATUS_TRANSITIONS: Record<ClientStatus, readonly ClientStatus[]> = {
  PROSPECT: [ClientStatus.ACTIVE, ClientStatus.TERMINATED],
  ACTIVE: [ClientStatus.WATCHLIST, ClientStatus.SUSPENDED, ClientStatus.TERMINATED],
  WATCHLIST: [ClientStatus.ACTIVE, ClientStatus.SUSPENDED, ClientStatus.TERMINATED],
  SUSPENDED: [ClientStatus.ACTIVE, ClientStatus.WATCHLIST, ClientStatus.TERMINATED],
  TERMINATED: [],
};

/** The role a counterparty plays towards a core enterprise. */
export enum SupplyChainRole {
  SUPPLIER = 'SUPPLIER',
  DISTRIBUTOR = 'DISTRIBUTOR',
  LOGISTICS_PROVIDER = 'LOGISTICS_PROVIDER',
}

/** The kind a counterparty must be to play a role: a supplier link needs a SUPPLIER, and so on. */
export const ROLE_KIND: Record<SupplyChainRole, ClientKind> = {
  SUPPLIER: ClientKind.SUPPLIER,
  DISTRIBUTOR: ClientKind.DISTRIBUTOR,
  LOGISTICS_PROVIDER: ClientKind.LOGISTICS_PROVIDER,
};

export enum InteractionKind {
  MEETING = 'MEETING',
  VISIT = 'VISIT',
  CALL = 'CALL',
  ONLINE_SESSION = 'ONLINE_SESSION',
  EMAIL = 'EMAIL',
}

export enum FeedbackKind {
  SURVEY = 'SURVEY',
  COMPLAINT = 'COMPLAINT',
}

export enum ComplaintCategory {
  APPROVAL_SPEED = 'APPROVAL_SPEED',
  PRICING = 'PRICING',
  SERVICE = 'SERVICE',
  PRODUCT = 'PRODUCT',
  OTHER = 'OTHER',
}

export enum ComplaintStatus {
  OPEN = 'OPEN',
  IN_PROGRESS = 'IN_PROGRESS',
  RESOLVED = 'RESOLVED',
}

registerEnumType(ClientKind, { name: 'ClientKind' });
registerEnumType(Industry, { name: 'Industry' });
registerEnumType(VolatilityClass, { name: 'VolatilityClass' });
registerEnumType(CreditRating, { name: 'CreditRating', description: 'External credit rating, AAA best' });
registerEnumType(ClientStatus, { name: 'ClientStatus' });
registerEnumType(SupplyChainRole, { name: 'SupplyChainRole' });
registerEnumType(InteractionKind, { name: 'InteractionKind' });
registerEnumType(FeedbackKind, { name: 'FeedbackKind' });
registerEnumType(ComplaintCategory, { name: 'ComplaintCategory' });
registerEnumType(ComplaintStatus, { name: 'ComplaintStatus' });
