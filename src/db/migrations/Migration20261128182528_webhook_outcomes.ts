import { Migration } from '@mikro-orm/migrations';

export class Migration20261128182528_webhook_outcomes extends Migration {

  override async up(): Promise<void> {
    // Refused pushes are no longer kept (they carried no body, only why): drop the old ones.
    this.addSql(`delete from "webhook_inbox" where "outcome" = 'REFUSED';`);
    this.addSql(`alter table "webhook_inbox" drop constraint if exists "webhook_inbox_outcome_check";`);

    this.addSql(`alter table "webhook_inbox" add constraint "webhook_inbox_outcome_check" check("outcome" in ('RECEIVED', 'PROCESSED', 'UNMATCHED', 'FAILED'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "webhook_inbox" drop constraint if exists "webhook_inbox_outcome_check";`);

    this.addSql(`alter table "webhook_inbox" add constraint "webhook_inbox_outcome_check" check("outcome" in ('RECEIVED', 'PROCESSED', 'UNMATCHED', 'FAILED', 'REFUSED'));`);
  }

}
