package org.switchboard.intake;

import java.time.Clock;
import org.switchboard.delivery.Notifier;
import org.switchboard.delivery.Outbox;
import org.switchboard.store.Database;
import org.switchboard.store.GroupCommitter;

/** What the conversation-side intakes write with: storage, the group committer, the outbox and the wake-ups. */
public record IntakeWiring(Database db, GroupCommitter committer, Clock clock, Runnable wakeWorkers, Outbox outbox,
                           Notifier notifier) {}
