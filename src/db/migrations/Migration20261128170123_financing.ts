import { Migration } from '@mikro-orm/migrations';

export class Migration20261128170123_financing extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "aml_watch_entry" ("id" uuid not null, "name" varchar(200) null, "unified_social_credit_code" varchar(18) null, "reason" varchar(500) null, "added_by" varchar(120) not null, "created_at" timestamptz not null default now(), constraint "aml_watch_entry_pkey" primary key ("id"));`);

    this.addSql(`create table "credit_line" ("id" uuid not null, "client_id" uuid not null, "limit" numeric(20,2) not null, "currency" varchar(3) not null default 'CNY', "status" text check ("status" in ('ACTIVE', 'FROZEN', 'EXPIRED')) not null default 'ACTIVE', "expires_at" timestamptz not null, "opened_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "credit_line_pkey" primary key ("id"));`);
    this.addSql(`create index "credit_line_client_idx" on "credit_line" ("client_id", "currency");`);

    this.addSql(`create table "credit_line_change" ("id" uuid not null, "credit_line_id" uuid not null, "kind" text check ("kind" in ('OPENED', 'LIMIT_ADJUSTED', 'FROZEN', 'UNFROZEN')) not null, "previous_limit" numeric(20,2) null, "new_limit" numeric(20,2) not null, "reason" varchar(500) null, "actor_name" varchar(120) not null, "actor_id" uuid null, "at" timestamptz not null default now(), constraint "credit_line_change_pkey" primary key ("id"));`);
    this.addSql(`create index "credit_line_change_line_idx" on "credit_line_change" ("credit_line_id", "at");`);

    this.addSql(`create table "financing" ("id" uuid not null, "client_id" uuid not null, "credit_line_id" uuid not null, "product" text check ("product" in ('RECEIVABLES_FACTORING', 'REVERSE_FACTORING', 'INVENTORY_FINANCING', 'PREPAYMENT_FINANCING', 'CREDIT_LOAN', 'FINANCIAL_LEASING')) not null, "status" text check ("status" in ('SUBMITTED', 'APPROVED', 'REJECTED', 'DISBURSED', 'OVERDUE', 'RESTRUCTURED', 'DEFAULTED', 'REPAID')) not null default 'SUBMITTED', "amount" numeric(20,2) not null, "currency" varchar(3) not null default 'CNY', "annual_rate" numeric(9,6) not null, "tenor_days" int not null, "contract_date" date not null, "repayment_method" text check ("repayment_method" in ('BULLET', 'EQUAL_INSTALMENTS')) not null default 'BULLET', "instalments" int not null default 1, "fee" numeric(20,2) not null default '0', "anchor_client_id" uuid null, "pledged_goods" varchar(500) null, "purchase_order_number" varchar(100) null, "leased_asset" varchar(500) null, "aml_hold" boolean not null default false, "aml_hold_reason" varchar(500) null, "disbursed_at" timestamptz null, "maturity_date" date null, "outstanding_principal" numeric(20,2) not null default '0', "interest_paid" numeric(20,2) not null default '0', "recorded_bucket" text check ("recorded_bucket" in ('CURRENT', 'DPD_1_30', 'DPD_31_60', 'DPD_61_90', 'DPD_90_PLUS')) not null default 'CURRENT', "schedule_version" int not null default 0, "submitted_by" varchar(120) null, "created_at" timestamptz(3) not null default now(), "updated_at" timestamptz not null default now(), constraint "financing_pkey" primary key ("id"));`);
    this.addSql(`create index "financing_created_idx" on "financing" ("created_at", "id");`);
    this.addSql(`create index "financing_status_idx" on "financing" ("status");`);
    this.addSql(`create index "financing_line_idx" on "financing" ("credit_line_id", "status");`);
    this.addSql(`create index "financing_client_idx" on "financing" ("client_id", "created_at", "id");`);

    this.addSql(`create table "bucket_change" ("id" uuid not null, "financing_id" uuid not null, "from_bucket" text check ("from_bucket" in ('CURRENT', 'DPD_1_30', 'DPD_31_60', 'DPD_61_90', 'DPD_90_PLUS')) not null, "to_bucket" text check ("to_bucket" in ('CURRENT', 'DPD_1_30', 'DPD_31_60', 'DPD_61_90', 'DPD_90_PLUS')) not null, "days_past_due" int not null, "as_of" date not null, "recorded_at" timestamptz(3) not null default clock_timestamp(), constraint "bucket_change_pkey" primary key ("id"));`);
    this.addSql(`create index "bucket_change_financing_idx" on "bucket_change" ("financing_id", "as_of");`);

    this.addSql(`create table "financing_transition" ("id" uuid not null, "financing_id" uuid not null, "action" text check ("action" in ('SUBMITTED', 'APPROVED', 'REJECTED', 'DISBURSED', 'BECAME_OVERDUE', 'CURED', 'RESTRUCTURED', 'DEFAULTED', 'REPAID', 'AML_HOLD', 'AML_CLEARED')) not null, "from_status" text check ("from_status" in ('SUBMITTED', 'APPROVED', 'REJECTED', 'DISBURSED', 'OVERDUE', 'RESTRUCTURED', 'DEFAULTED', 'REPAID')) null, "to_status" text check ("to_status" in ('SUBMITTED', 'APPROVED', 'REJECTED', 'DISBURSED', 'OVERDUE', 'RESTRUCTURED', 'DEFAULTED', 'REPAID')) not null, "reason" varchar(500) null, "actor_name" varchar(120) not null, "actor_id" uuid null, "at" timestamptz(3) not null default clock_timestamp(), constraint "financing_transition_pkey" primary key ("id"));`);
    this.addSql(`create index "financing_transition_financing_idx" on "financing_transition" ("financing_id", "at");`);

    this.addSql(`create table "ledger_entry" ("id" uuid not null, "client_id" uuid not null, "financing_id" uuid not null, "kind" text check ("kind" in ('DISBURSEMENT', 'REPAYMENT', 'FEE')) not null, "amount" numeric(20,2) not null, "currency" varchar(3) not null, "description" varchar(200) not null, "occurred_at" timestamptz(3) not null, "recorded_at" timestamptz not null default now(), constraint "ledger_entry_pkey" primary key ("id"));`);
    this.addSql(`create index "ledger_entry_client_idx" on "ledger_entry" ("client_id", "occurred_at");`);

    this.addSql(`create table "loan_prime_rate" ("id" uuid not null, "effective_date" date not null, "rate" numeric(9,6) not null, "created_at" timestamptz not null default now(), constraint "loan_prime_rate_pkey" primary key ("id"));`);
    this.addSql(`alter table "loan_prime_rate" add constraint "loan_prime_rate_date_uidx" unique ("effective_date");`);

    this.addSql(`create table "receivable" ("id" uuid not null, "financing_id" uuid not null, "invoice_number" varchar(60) not null, "debtor_id" uuid not null, "amount" numeric(20,2) not null, "due_date" date not null, constraint "receivable_pkey" primary key ("id"));`);
    this.addSql(`create index "receivable_debtor_idx" on "receivable" ("debtor_id");`);
    this.addSql(`create index "receivable_financing_idx" on "receivable" ("financing_id");`);

    this.addSql(`create table "repayment" ("id" uuid not null, "financing_id" uuid not null, "amount" numeric(20,2) not null, "interest" numeric(20,2) not null, "principal" numeric(20,2) not null, "paid_at" timestamptz not null, "recorded_by" varchar(120) not null, "recorded_at" timestamptz not null default now(), constraint "repayment_pkey" primary key ("id"));`);
    this.addSql(`create index "repayment_financing_idx" on "repayment" ("financing_id", "paid_at");`);

    this.addSql(`create table "schedule_instalment" ("id" uuid not null, "financing_id" uuid not null, "version" int not null, "seq" int not null, "due_date" date not null, "principal" numeric(20,2) not null, "effective_from" date not null, "principal_paid_before" numeric(20,2) not null, constraint "schedule_instalment_pkey" primary key ("id"));`);
    this.addSql(`create index "schedule_instalment_financing_idx" on "schedule_instalment" ("financing_id", "version", "seq");`);

    this.addSql(`alter table "credit_line" add constraint "credit_line_client_id_foreign" foreign key ("client_id") references "client" ("id") on update cascade;`);

    this.addSql(`alter table "credit_line_change" add constraint "credit_line_change_credit_line_id_foreign" foreign key ("credit_line_id") references "credit_line" ("id") on update cascade;`);

    this.addSql(`alter table "financing" add constraint "financing_client_id_foreign" foreign key ("client_id") references "client" ("id") on update cascade;`);
    this.addSql(`alter table "financing" add constraint "financing_credit_line_id_foreign" foreign key ("credit_line_id") references "credit_line" ("id") on update cascade;`);
    this.addSql(`alter table "financing" add constraint "financing_anchor_client_id_foreign" foreign key ("anchor_client_id") references "client" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "bucket_change" add constraint "bucket_change_financing_id_foreign" foreign key ("financing_id") references "financing" ("id") on update cascade;`);

    this.addSql(`alter table "financing_transition" add constraint "financing_transition_financing_id_foreign" foreign key ("financing_id") references "financing" ("id") on update cascade;`);

    this.addSql(`alter table "ledger_entry" add constraint "ledger_entry_client_id_foreign" foreign key ("client_id") references "client" ("id") on update cascade;`);
    this.addSql(`alter table "ledger_entry" add constraint "ledger_entry_financing_id_foreign" foreign key ("financing_id") references "financing" ("id") on update cascade;`);

    this.addSql(`alter table "receivable" add constraint "receivable_financing_id_foreign" foreign key ("financing_id") references "financing" ("id") on update cascade;`);
    this.addSql(`alter table "receivable" add constraint "receivable_debtor_id_foreign" foreign key ("debtor_id") references "client" ("id") on update cascade;`);

    this.addSql(`alter table "repayment" add constraint "repayment_financing_id_foreign" foreign key ("financing_id") references "financing" ("id") on update cascade;`);

    this.addSql(`alter table "schedule_instalment" add constraint "schedule_instalment_financing_id_foreign" foreign key ("financing_id") references "financing" ("id") on update cascade;`);
    // Published one-year LPR (全国银行间同业拆借中心), needed in production for the rate cap.
    this.addSql(`insert into "loan_prime_rate" ("id", "effective_date", "rate") values (gen_random_uuid(), '2019-08-20', 0.0425), (gen_random_uuid(), '2019-09-20', 0.0420), (gen_random_uuid(), '2019-11-20', 0.0415), (gen_random_uuid(), '2020-02-20', 0.0405), (gen_random_uuid(), '2020-04-20', 0.0385), (gen_random_uuid(), '2021-12-20', 0.0380), (gen_random_uuid(), '2022-01-20', 0.0370), (gen_random_uuid(), '2022-08-22', 0.0365), (gen_random_uuid(), '2023-06-20', 0.0355), (gen_random_uuid(), '2023-08-21', 0.0345), (gen_random_uuid(), '2024-07-22', 0.0335), (gen_random_uuid(), '2024-10-21', 0.0310), (gen_random_uuid(), '2025-05-20', 0.0300);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "credit_line_change" drop constraint "credit_line_change_credit_line_id_foreign";`);

    this.addSql(`alter table "financing" drop constraint "financing_credit_line_id_foreign";`);

    this.addSql(`alter table "bucket_change" drop constraint "bucket_change_financing_id_foreign";`);

    this.addSql(`alter table "financing_transition" drop constraint "financing_transition_financing_id_foreign";`);

    this.addSql(`alter table "ledger_entry" drop constraint "ledger_entry_financing_id_foreign";`);

    this.addSql(`alter table "receivable" drop constraint "receivable_financing_id_foreign";`);

    this.addSql(`alter table "repayment" drop constraint "repayment_financing_id_foreign";`);

    this.addSql(`alter table "schedule_instalment" drop constraint "schedule_instalment_financing_id_foreign";`);

    this.addSql(`drop table if exists "aml_watch_entry" cascade;`);

    this.addSql(`drop table if exists "credit_line" cascade;`);

    this.addSql(`drop table if exists "credit_line_change" cascade;`);

    this.addSql(`drop table if exists "financing" cascade;`);

    this.addSql(`drop table if exists "bucket_change" cascade;`);

    this.addSql(`drop table if exists "financing_transition" cascade;`);

    this.addSql(`drop table if exists "ledger_entry" cascade;`);

    this.addSql(`drop table if exists "loan_prime_rate" cascade;`);

    this.addSql(`drop table if exists "receivable" cascade;`);

    this.addSql(`drop table if exists "repayment" cascade;`);

    this.addSql(`drop table if exists "schedule_instalment" cascade;`);
  }

}
