import { Migration } from '@mikro-orm/migrations';

export class Migration20261128190018_financing_guarantee_recourse extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "financing_transition" drop constraint if exists "financing_transition_action_check";`);

    this.addSql(`alter table "financing" add column "guarantee_kind" text check ("guarantee_kind" in ('NONE', 'CORPORATE_GUARANTEE', 'PERSONAL_GUARANTEE', 'COLLATERAL', 'CREDIT_INSURANCE')) not null default 'NONE', add column "guarantor" varchar(200) null, add column "guaranteed_amount" numeric(20,2) null, add column "guarantee_description" varchar(500) null, add column "recourse_claim" numeric(20,2) null;`);

    this.addSql(`alter table "financing_transition" add column "detail" jsonb null;`);
    this.addSql(`alter table "financing_transition" add constraint "financing_transition_action_check" check("action" in ('SUBMITTED', 'APPROVED', 'REJECTED', 'DISBURSED', 'BECAME_OVERDUE', 'CURED', 'RESTRUCTURED', 'DEFAULTED', 'REPAID', 'AML_HOLD', 'AML_CLEARED', 'GUARANTEE_CHANGED', 'TERMINATED_WITH_RECOURSE'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "financing_transition" drop constraint if exists "financing_transition_action_check";`);

    this.addSql(`alter table "financing" drop column "guarantee_kind", drop column "guarantor", drop column "guaranteed_amount", drop column "guarantee_description", drop column "recourse_claim";`);

    this.addSql(`alter table "financing_transition" drop column "detail";`);

    this.addSql(`alter table "financing_transition" add constraint "financing_transition_action_check" check("action" in ('SUBMITTED', 'APPROVED', 'REJECTED', 'DISBURSED', 'BECAME_OVERDUE', 'CURED', 'RESTRUCTURED', 'DEFAULTED', 'REPAID', 'AML_HOLD', 'AML_CLEARED'));`);
  }

}
