"""Telling the people who are not at the terminal: status updates posted to a
Slack-compatible incoming webhook (webhook.py), kept in an outbox on disk until they are
sent (outbox.py) by a sender that retries with back-off in the background (sender.py),
and the status page rewritten on every change of a run (publisher.py). No Textual; the
webhook's address, a credential, is read from the environment or the user's config and
never written anywhere."""
