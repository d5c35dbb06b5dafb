import { Migration } from '@mikro-orm/migrations';

export class Migration20261128162001_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "api_key" ("id" uuid not null, "name" varchar(200) not null, "role" text check ("role" in ('ADMIN', 'RELATIONSHIP_MANAGER', 'RISK_OFFICER', 'VIEWER', 'PARTNER')) not null, "partner_code" varchar(64) null, "key_hash" varchar(64) not null, "prefix" varchar(16) not null, "created_at" timestamptz not null default now(), "revoked_at" timestamptz null, "created_by_id" uuid null, constraint "api_key_pkey" primary key ("id"));`);
    this.addSql(`alter table "api_key" add constraint "api_key_key_hash_unique" unique ("key_hash");`);

    this.addSql(`create table "client" ("id" uuid not null, "name" varchar(200) not null, "kind" text check ("kind" in ('CORE_ENTERPRISE', 'SUPPLIER', 'DISTRIBUTOR', 'LOGISTICS_PROVIDER')) not null, "industry" text check ("industry" in ('AUTOMOTIVE', 'HOME_APPLIANCES', 'MACHINERY', 'ELECTRONICS', 'CHEMICALS', 'TEXTILES', 'FOOD_AND_BEVERAGE', 'RETAIL', 'WHOLESALE', 'LOGISTICS', 'CONSTRUCTION', 'NEW_ENERGY', 'BIOMEDICINE', 'SEMICONDUCTORS')) not null, "unified_social_credit_code" varchar(18) not null, "credit_rating" text check ("credit_rating" in ('AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C', 'D')) null, "status" text check ("status" in ('PROSPECT', 'ACTIVE', 'WATCHLIST', 'SUSPENDED', 'TERMINATED')) not null default 'PROSPECT', "relationship_manager" varchar(120) null, "city" varchar(120) null, "last_contact_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "client_pkey" primary key ("id"));`);
    this.addSql(`alter table "client" add constraint "client_uscc_uidx" unique ("unified_social_credit_code");`);
    this.addSql(`create index "client_created_idx" on "client" ("created_at", "id");`);
    this.addSql(`create index "client_rm_idx" on "client" ("relationship_manager");`);
    this.addSql(`create index "client_status_idx" on "client" ("status");`);
    this.addSql(`create index "client_kind_idx" on "client" ("kind");`);

    this.addSql(`create table "contact" ("id" uuid not null, "client_id" uuid not null, "name" varchar(120) not null, "title" varchar(120) null, "phone" varchar(40) null, "email" varchar(200) null, "primary" boolean not null default false, "created_at" timestamptz not null default now(), constraint "contact_pkey" primary key ("id"));`);
    this.addSql(`create index "contact_client_idx" on "contact" ("client_id");`);

    this.addSql(`create table "feedback" ("id" uuid not null, "client_id" uuid not null, "kind" text check ("kind" in ('SURVEY', 'COMPLAINT')) not null, "score" smallint null, "category" text check ("category" in ('APPROVAL_SPEED', 'PRICING', 'SERVICE', 'PRODUCT', 'OTHER')) null, "body" text null, "status" text check ("status" in ('OPEN', 'IN_PROGRESS', 'RESOLVED')) null, "resolution" text null, "resolved_at" timestamptz null, "submitted_at" timestamptz not null default now(), constraint "feedback_pkey" primary key ("id"));`);
    this.addSql(`create index "feedback_status_idx" on "feedback" ("kind", "status");`);
    this.addSql(`create index "feedback_client_idx" on "feedback" ("client_id", "submitted_at");`);

    this.addSql(`create table "interaction" ("id" uuid not null, "client_id" uuid not null, "kind" text check ("kind" in ('MEETING', 'VISIT', 'CALL', 'ONLINE_SESSION', 'EMAIL')) not null, "occurred_at" timestamptz not null, "summary" text not null, "follow_up_due_at" timestamptz null, "follow_up_done_at" timestamptz null, "recorded_by" varchar(200) null, "created_at" timestamptz not null default now(), constraint "interaction_pkey" primary key ("id"));`);
    this.addSql(`create index "interaction_follow_up_idx" on "interaction" ("follow_up_due_at");`);
    this.addSql(`create index "interaction_client_idx" on "interaction" ("client_id", "occurred_at", "id");`);

    this.addSql(`create table "outbox_event" ("seq" bigserial primary key, "txid" xid8 not null default pg_current_xact_id(), "topic" varchar(64) not null, "aggregate_id" varchar(64) not null, "payload" jsonb not null, "created_at" timestamptz not null default clock_timestamp());`);
    this.addSql(`create index "outbox_event_position_idx" on "outbox_event" ("txid", "seq");`);
    // Wakes dispatchers of other hub instances (LISTEN scf_outbox); the poll interval is the fallback.
    this.addSql(`create function "outbox_event_notify"() returns trigger language plpgsql as $$ begin perform pg_notify('scf_outbox', ''); return null; end $$;`);
    this.addSql(`create trigger "outbox_event_notify_trg" after insert on "outbox_event" for each statement execute function "outbox_event_notify"();`);

    this.addSql(`create table "supply_chain_link" ("id" uuid not null, "core_enterprise_id" uuid not null, "counterparty_id" uuid not null, "role" text check ("role" in ('SUPPLIER', 'DISTRIBUTOR', 'LOGISTICS_PROVIDER')) not null, "created_at" timestamptz not null default now(), constraint "supply_chain_link_pkey" primary key ("id"));`);
    this.addSql(`create index "supply_chain_link_counterparty_idx" on "supply_chain_link" ("counterparty_id");`);
    this.addSql(`alter table "supply_chain_link" add constraint "supply_chain_link_uidx" unique ("core_enterprise_id", "counterparty_id", "role");`);

    this.addSql(`alter table "contact" add constraint "contact_client_id_foreign" foreign key ("client_id") references "client" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "feedback" add constraint "feedback_client_id_foreign" foreign key ("client_id") references "client" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "interaction" add constraint "interaction_client_id_foreign" foreign key ("client_id") references "client" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "supply_chain_link" add constraint "supply_chain_link_core_enterprise_id_foreign" foreign key ("core_enterprise_id") references "client" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "supply_chain_link" add constraint "supply_chain_link_counterparty_id_foreign" foreign key ("counterparty_id") references "client" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "contact" drop constraint "contact_client_id_foreign";`);

    this.addSql(`alter table "feedback" drop constraint "feedback_client_id_foreign";`);

    this.addSql(`alter table "interaction" drop constraint "interaction_client_id_foreign";`);

    this.addSql(`alter table "supply_chain_link" drop constraint "supply_chain_link_core_enterprise_id_foreign";`);

    this.addSql(`alter table "supply_chain_link" drop constraint "supply_chain_link_counterparty_id_foreign";`);

    this.addSql(`drop table if exists "api_key" cascade;`);

    this.addSql(`drop table if exists "client" cascade;`);

    this.addSql(`drop table if exists "contact" cascade;`);

    this.addSql(`drop table if exists "feedback" cascade;`);

    this.addSql(`drop table if exists "interaction" cascade;`);

    this.addSql(`drop table if exists "outbox_event" cascade;`);
    this.addSql(`drop function if exists "outbox_event_notify"();`);

    this.addSql(`drop table if exists "supply_chain_link" cascade;`);
  }

}
