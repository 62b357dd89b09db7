"""Reminders: what to remind whom and when (pure rules), what they say, the schedule kept in the
database, users' devices, and sending with Web Push (outbound HTTP, the VAPID key)."""
