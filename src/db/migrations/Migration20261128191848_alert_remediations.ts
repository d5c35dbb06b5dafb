import { Migration } from '@mikro-orm/migrations';

export class Migration20261128191848_alert_remediations extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "alert" add column "remediation_action" text check ("remediation_action" in ('EXTEND_REPAYMENT', 'CHANGE_GUARANTEE', 'REDUCE_LIMIT', 'FREEZE_LINE', 'TERMINATE_WITH_RECOURSE')) null, add column "remediation_target_type" varchar(20) null, add column "remediation_target_id" uuid null, add column "remediation_detail" varchar(1000) null;`);
    // A remediation is recorded whole, and only on a resolved alert.
    this.addSql(`alter table "alert" add constraint alert_remediation_whole check(("remediation_action" is null and "remediation_target_type" is null and "remediation_target_id" is null and "remediation_detail" is null) or ("status" = 'RESOLVED' and "remediation_action" is not null and "remediation_target_type" is not null and "remediation_target_id" is not null and "remediation_detail" is not null));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "alert" drop constraint alert_remediation_whole;`);
    this.addSql(`alter table "alert" drop column "remediation_action", drop column "remediation_target_type", drop column "remediation_target_id", drop column "remediation_detail";`);
  }

}
