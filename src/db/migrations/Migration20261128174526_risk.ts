import { Migration } from '@mikro-orm/migrations';

export class Migration20261128174526_risk extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "financial_statement" ("id" uuid not null, "client_id" uuid not null, "period_end" date not null, "total_assets" numeric(20,2) not null, "total_liabilities" numeric(20,2) not null, "current_assets" numeric(20,2) not null, "current_liabilities" numeric(20,2) not null, "retained_earnings" numeric(20,2) not null, "ebit" numeric(20,2) not null, "revenue" numeric(20,2) not null, "book_equity" numeric(20,2) not null, "operating_cash_flow" numeric(20,2) null, "debt_ratio" numeric(20,6) not null, "current_ratio" numeric(20,6) not null, "operating_cash_flow_coverage" numeric(20,6) null, "z_score" numeric(20,6) not null, "zone" text check ("zone" in ('SAFE', 'GREY', 'DISTRESS')) not null, "created_at" timestamptz(3) not null default now(), constraint "financial_statement_pkey" primary key ("id"));`);
    this.addSql(`create index "financial_statement_zone_idx" on "financial_statement" ("client_id", "zone", "period_end");`);
    this.addSql(`alter table "financial_statement" add constraint "financial_statement_client_period_uidx" unique ("client_id", "period_end");`);

    this.addSql(`create table "outbox_consumer" ("name" varchar(64) not null, "txid" xid8 not null, "seq" bigint not null, "updated_at" timestamptz(3) not null default now(), constraint "outbox_consumer_pkey" primary key ("name"));`);

    this.addSql(`create table "risk_assessment" ("id" uuid not null, "client_id" uuid not null, "score" numeric(5,1) not null, "tier" text check ("tier" in ('PREMIUM', 'STANDARD', 'SUBPRIME')) not null, "z_score" numeric(20,6) null, "zone" text check ("zone" in ('SAFE', 'GREY', 'DISTRESS')) null, "dimensions" jsonb not null, "reasons" jsonb not null, "model_version" varchar(40) not null, "trigger" text check ("trigger" in ('MANUAL', 'STATEMENT_ADDED', 'BUCKET_CHANGED', 'SHIPMENT_EXCEPTION', 'SEED')) not null, "assessed_by" varchar(120) not null, "assessed_at" timestamptz(3) not null default clock_timestamp(), constraint "risk_assessment_pkey" primary key ("id"));`);
    this.addSql(`create index "risk_assessment_client_idx" on "risk_assessment" ("client_id", "assessed_at", "id");`);

    this.addSql(`alter table "financial_statement" add constraint "financial_statement_client_id_foreign" foreign key ("client_id") references "client" ("id") on update cascade;`);

    this.addSql(`alter table "risk_assessment" add constraint "risk_assessment_client_id_foreign" foreign key ("client_id") references "client" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "financial_statement" cascade;`);

    this.addSql(`drop table if exists "outbox_consumer" cascade;`);

    this.addSql(`drop table if exists "risk_assessment" cascade;`);
  }

}
