import type { NonEmptyArray } from 'type-graphql';
import { LogisticsPartnerResolver } from './partner.resolver.js';
import { ShipmentUpdatedResolver } from './shipment-updated.resolver.js';
import { ClientShipmentsResolver, FinancingShipmentsResolver, ShipmentResolver } from './shipment.resolver.js';
import { WebhookInboxResolver } from './webhook.resolver.js';

/** The logistics domain's resolvers, for the schema. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const LOGISTICS_RESOLVERS: NonEmptyArray<Function> = [
  LogisticsPartnerResolver,
  ShipmentResolver,
  ClientShipmentsResolver,
  FinancingShipmentsResolver,
  ShipmentUpdatedResolver,
  WebhookInboxResolver,
];

/** The transport and mapping layer: what the services, webhooks and poller build on. */
export * from './tracking.js';
export { PartnerPayloadError, type MapContext } from './partners/common/payload.js';
export { CircuitBreaker, type CircuitState, type CircuitBreakerOptions } from './partners/common/circuit-breaker.js';
export {
  DEFAULT_RESILIENCE,
  PartnerHttp,
  nextMidnightUtc,
  parseRetryAfter,
  type CallOutcome,
  type FailureReason,
  type PartnerCallObserver,
  type PartnerCallResult,
  type ResilienceOptions,
} from './partners/common/partner-http.js';
export { header, safeEqual, type RequestHeaders, type SignatureFailure, type Verification } from './partners/common/signature.js';
export { DhlClient, type DhlClientOptions } from './partners/dhl/dhl.client.js';
export { mapDhlResponse, mapDhlShipment } from './partners/dhl/dhl.mapper.js';
export { Kuaidi100Client, kuaidi100QueryParam, type Kuaidi100ClientOptions, type Kuaidi100QueryInput } from './partners/kuaidi100/kuaidi100.client.js';
export { mapKuaidi100Push, mapKuaidi100Query, mapKuaidi100Result, type Kuaidi100PushStatus } from './partners/kuaidi100/kuaidi100.mapper.js';
export {
  KUAIDI100_PUSH_ACK,
  kuaidi100PushBody,
  kuaidi100PushNack,
  kuaidi100PushSign,
  kuaidi100QuerySign,
  verifyKuaidi100Push,
} from './partners/kuaidi100/kuaidi100.signature.js';
export { mapAfterShipWebhook } from './partners/aftership/aftership.mapper.js';
export { AFTERSHIP_SIGNATURE_HEADER, afterShipSignature, verifyAfterShipWebhook } from './partners/aftership/aftership.signature.js';
export { GENERIC_MAX_EVENTS, mapGenericPush, type GenericPushBody, type GenericPushEvent } from './partners/generic/generic.mapper.js';
export {
  GENERIC_SIGNATURE_HEADER,
  GENERIC_TIMESTAMP_HEADER,
  GENERIC_TOLERANCE_MS,
  genericPushHeaders,
  genericSignature,
  verifyGenericPush,
} from './partners/generic/generic.signature.js';
