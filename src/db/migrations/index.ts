import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261201213618_api_key_expiry } from './Migration20261201213618_api_key_expiry.js';
import { Migration20261128200524_partner_rotation } from './Migration20261128200524_partner_rotation.js';
import { Migration20261128190233_outbox_dead_letters } from './Migration20261128190233_outbox_dead_letters.js';
import { Migration20261128190100_risk_reviews } from './Migration20261128190100_risk_reviews.js';
import { Migration20261128191848_alert_remediations } from './Migration20261128191848_alert_remediations.js';
import { Migration20261128190018_financing_guarantee_recourse } from './Migration20261128190018_financing_guarantee_recourse.js';
import { Migration20261128182528_webhook_outcomes } from './Migration20261128182528_webhook_outcomes.js';
import { Migration20261128175909_alerts } from './Migration20261128175909_alerts.js';
import { Migration20261128174526_risk } from './Migration20261128174526_risk.js';
import { Migration20261128173009_logistics } from './Migration20261128173009_logistics.js';
import { Migration20261128170123_financing } from './Migration20261128170123_financing.js';
import { Migration20261128162626_keyset_precision } from './Migration20261128162626_keyset_precision.js';
import { Migration20261128162001_initial } from './Migration20261128162001_initial.js';

/** Applied in this order. A new migration file must be added here (CI fails otherwise). */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261128162001_initial', class: Migration20261128162001_initial },
  { name: 'Migration20261128162626_keyset_precision', class: Migration20261128162626_keyset_precision },
  { name: 'Migration20261128170123_financing', class: Migration20261128170123_financing },
  { name: 'Migration20261128173009_logistics', class: Migration20261128173009_logistics },
  { name: 'Migration20261128174526_risk', class: Migration20261128174526_risk },
  { name: 'Migration20261128175909_alerts', class: Migration20261128175909_alerts },
  { name: 'Migration20261128182528_webhook_outcomes', class: Migration20261128182528_webhook_outcomes },
  { name: 'Migration20261128190018_financing_guarantee_recourse', class: Migration20261128190018_financing_guarantee_recourse },
  { name: 'Migration20261128190100_risk_reviews', class: Migration20261128190100_risk_reviews },
  { name: 'Migration20261128190233_outbox_dead_letters', class: Migration20261128190233_outbox_dead_letters },
  { name: 'Migration20261128191848_alert_remediations', class: Migration20261128191848_alert_remediations },
  { name: 'Migration20261128200524_partner_rotation', class: Migration20261128200524_partner_rotation },
  { name: 'Migration20261201213618_api_key_expiry', class: Migration20261201213618_api_key_expiry },
];
