-- The relay deletes the rows it published (ADR 0006): the outbox holds only what is waiting to go
-- out. Stamping `published_at` wrote every row twice (an UPDATE copies the whole row and, as the
-- stamp is in an index predicate, adds new index entries too), and published rows were never
-- removed in intake, matching and outreach: sealed contacts kept for ever. The topics keep the
-- events for their own retention period.
--
-- Expand, then contract (docs/operations.md): `published_at` stays, unused, so the previous version
-- still runs on this schema after a rollback; a later release drops it. Rows that a previous-version
-- relay stamps during a rolling deploy are published once more by the new relay (the inboxes absorb
-- that) and deleted.
DELETE FROM outbox WHERE published_at IS NOT NULL;
DROP INDEX outbox_unpublished;
