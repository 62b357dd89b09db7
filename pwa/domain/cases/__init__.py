"""A family's case: referral and intake, members and consent, the assistant's assignment, the
life cycle to the end of the work (`lifecycle`) and after it (`closing`: monitoring, closing,
reopening), cooperation with institutions, "Za życiem" support, the case history, and the
family's data rights (export, retention, erasure)."""
