import { Migration } from '@mikro-orm/migrations';

export class Migration20261128175909_alerts extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "alert" ("id" uuid not null, "kind" text check ("kind" in ('CREDIT_DETERIORATION', 'PAYMENT_OVERDUE', 'SHIPMENT_EXCEPTION', 'SHIPMENT_DELAYED', 'CONCENTRATION', 'CREDIT_LIMIT_NEAR', 'REVIEW_DUE', 'COMPLAINT_UNRESOLVED', 'CARRIER_SAFETY')) not null, "severity" text check ("severity" in ('INFO', 'WARNING', 'CRITICAL')) not null, "status" text check ("status" in ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')) not null default 'OPEN', "client_id" uuid not null, "subject_type" varchar(20) not null, "subject_id" uuid not null, "message" varchar(1000) not null, "assigned_to" varchar(120) null, "raised_at" timestamptz(3) not null default clock_timestamp(), "escalated_at" timestamptz(3) null, "acknowledged_at" timestamptz(3) null, "acknowledged_by" varchar(120) null, "resolved_at" timestamptz(3) null, "resolved_by" varchar(120) null, "resolution_note" varchar(1000) null, "updated_at" timestamptz(3) not null default now(), constraint "alert_pkey" primary key ("id"));`);
    this.addSql(`create index "alert_client_idx" on "alert" ("client_id", "status");`);
    this.addSql(`create index "alert_raised_idx" on "alert" ("raised_at", "id");`);
    // One alert per rule and subject is not RESOLVED.
    this.addSql(`create unique index "alert_open_uidx" on "alert" ("kind", "subject_id") where "status" <> 'RESOLVED';`);

    this.addSql(`alter table "alert" add constraint "alert_client_id_foreign" foreign key ("client_id") references "client" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "alert" cascade;`);
  }

}
