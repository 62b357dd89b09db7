"""A family's case: referral and intake, members and consent, the assistant's assignment, the
life cycle to its end, cooperation with institutions, "Za życiem" support, the case history,
and the family's data rights (export, retention, erasure)."""
