package org.switchboard;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import org.switchboard.auth.Access;
import org.switchboard.auth.Secrets;
import org.switchboard.catalog.Bots;
import org.switchboard.catalog.Channels;
import org.switchboard.catalog.Projects;
import org.switchboard.catalog.Subscriptions;
import org.switchboard.delivery.Dispatcher;
import org.switchboard.catalog.Triggers;
import org.switchboard.delivery.Notifier;
import org.switchboard.delivery.Replies;
import org.switchboard.intake.ChannelIntake;
import org.switchboard.intake.ContactConversations;
import org.switchboard.intake.ConversationIntake;
import org.switchboard.intake.RateLimiter;
import org.switchboard.intake.TriggerIntake;
import org.switchboard.processing.Worker;
import org.switchboard.schedule.Scheduler;
import org.switchboard.store.Database;
import org.switchboard.store.GroupCommitter;

/** The core services, wired once; the HTTP layer and the dialects use them and nothing below them. */
public record Core(
    Config config,
    Clock clock,
    Database db,
    GroupCommitter committer,
    Secrets secrets,
    Access access,
    Projects projects,
    Bots bots,
    Triggers triggers,
    Subscriptions subscriptions,
    Channels channels,
    TriggerIntake triggerIntake,
    RateLimiter rateLimiter,
    ConversationIntake conversations,
    ChannelIntake channelIntake,
    ContactConversations contactConversations,
    Notifier notifier,
    Replies replies,
    Worker worker,
    Dispatcher dispatcher,
    Scheduler scheduler,
    PrometheusMeterRegistry metrics) {}
