"""What every feature shares: errors, the actor, access policy, the audit log, form reading."""
