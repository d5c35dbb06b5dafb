import { Migration } from '@mikro-orm/migrations';

export class Migration20261128173009_logistics extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "logistics_partner" ("id" uuid not null, "code" varchar(64) not null, "kind" text check ("kind" in ('DHL', 'KUAIDI100', 'AFTERSHIP', 'GENERIC')) not null, "name" varchar(200) not null, "api_base_url" varchar(500) null, "credentials_sealed" text null, "webhook_secret_sealed" text null, "poll_interval_seconds" int not null, "active" boolean not null default true, "created_at" timestamptz(3) not null default now(), "updated_at" timestamptz(3) not null default now(), constraint "logistics_partner_pkey" primary key ("id"));`);
    this.addSql(`alter table "logistics_partner" add constraint "logistics_partner_code_uidx" unique ("code");`);

    this.addSql(`create table "shipment" ("id" uuid not null, "partner_id" uuid not null, "tracking_number" varchar(64) not null, "carrier_code" varchar(40) null, "client_id" uuid not null, "financing_id" uuid null, "expected_delivery_at" timestamptz null, "status" text check ("status" in ('PENDING', 'INFO_RECEIVED', 'PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'AVAILABLE_FOR_PICKUP', 'DELIVERY_FAILED', 'EXCEPTION', 'RETURNING', 'RETURNED', 'DELIVERED', 'CANCELLED', 'EXPIRED', 'UNKNOWN')) not null default 'PENDING', "exception_reason" text check ("exception_reason" in ('CUSTOMS', 'REFUSED', 'RECIPIENT_UNREACHABLE', 'ADDRESS_ISSUE', 'DAMAGED', 'LOST', 'HELD', 'NOT_COLLECTED', 'DELAYED', 'STALLED', 'CARRIER_HANDOVER', 'REDIRECTED', 'OTHER')) null, "status_at" timestamptz(3) null, "last_event_at" timestamptz(3) null, "estimated_delivery_at" timestamptz(3) null, "tracking_stopped_at" timestamptz(3) null, "tracking_stopped_reason" varchar(500) null, "next_poll_at" timestamptz(3) null, "last_polled_at" timestamptz(3) null, "poll_failures" int not null default 0, "last_poll_error" varchar(500) null, "leased_until" timestamptz(3) null, "leased_by" varchar(100) null, "created_at" timestamptz(3) not null default now(), "updated_at" timestamptz(3) not null default now(), constraint "shipment_pkey" primary key ("id"));`);
    this.addSql(`create index "shipment_created_idx" on "shipment" ("created_at", "id");`);
    this.addSql(`create index "shipment_next_poll_idx" on "shipment" ("next_poll_at");`);
    this.addSql(`create index "shipment_financing_idx" on "shipment" ("financing_id");`);
    this.addSql(`create index "shipment_client_idx" on "shipment" ("client_id");`);
    this.addSql(`alter table "shipment" add constraint "shipment_partner_tracking_uidx" unique ("partner_id", "tracking_number");`);

    this.addSql(`create table "tracking_event" ("id" uuid not null, "shipment_id" uuid not null, "key" varchar(64) not null, "status" text check ("status" in ('PENDING', 'INFO_RECEIVED', 'PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'AVAILABLE_FOR_PICKUP', 'DELIVERY_FAILED', 'EXCEPTION', 'RETURNING', 'RETURNED', 'DELIVERED', 'CANCELLED', 'EXPIRED', 'UNKNOWN')) not null, "reason" text check ("reason" in ('CUSTOMS', 'REFUSED', 'RECIPIENT_UNREACHABLE', 'ADDRESS_ISSUE', 'DAMAGED', 'LOST', 'HELD', 'NOT_COLLECTED', 'DELAYED', 'STALLED', 'CARRIER_HANDOVER', 'REDIRECTED', 'OTHER')) null, "raw_code" varchar(100) null, "raw_sub_code" varchar(200) null, "description" text not null, "raw_time" varchar(64) not null, "occurred_at" timestamptz(3) not null, "offset_assumed" boolean not null, "location" varchar(300) null, "source" text check ("source" in ('PULL', 'PUSH')) not null, "received_at" timestamptz(3) not null, constraint "tracking_event_pkey" primary key ("id"));`);
    this.addSql(`create index "tracking_event_shipment_time_idx" on "tracking_event" ("shipment_id", "occurred_at");`);
    this.addSql(`alter table "tracking_event" add constraint "tracking_event_shipment_key_uidx" unique ("shipment_id", "key");`);

    this.addSql(`create table "webhook_inbox" ("id" uuid not null, "partner_code" varchar(64) not null, "received_at" timestamptz(3) not null default now(), "headers" jsonb not null, "body" bytea null, "outcome" text check ("outcome" in ('RECEIVED', 'PROCESSED', 'UNMATCHED', 'FAILED', 'REFUSED')) not null, "reason" varchar(1000) null, "tracking_number" varchar(64) null, "shipment_id" uuid null, "processed_at" timestamptz(3) null, "attempts" int not null default 0, constraint "webhook_inbox_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_inbox_outcome_idx" on "webhook_inbox" ("outcome");`);
    this.addSql(`create index "webhook_inbox_received_idx" on "webhook_inbox" ("received_at", "id");`);

    this.addSql(`alter table "shipment" add constraint "shipment_partner_id_foreign" foreign key ("partner_id") references "logistics_partner" ("id") on update cascade;`);
    this.addSql(`alter table "shipment" add constraint "shipment_client_id_foreign" foreign key ("client_id") references "client" ("id") on update cascade;`);
    this.addSql(`alter table "shipment" add constraint "shipment_financing_id_foreign" foreign key ("financing_id") references "financing" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "tracking_event" add constraint "tracking_event_shipment_id_foreign" foreign key ("shipment_id") references "shipment" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "shipment" drop constraint "shipment_partner_id_foreign";`);

    this.addSql(`alter table "tracking_event" drop constraint "tracking_event_shipment_id_foreign";`);

    this.addSql(`drop table if exists "logistics_partner" cascade;`);

    this.addSql(`drop table if exists "shipment" cascade;`);

    this.addSql(`drop table if exists "tracking_event" cascade;`);

    this.addSql(`drop table if exists "webhook_inbox" cascade;`);
  }

}
