"""What every feature shares: errors, the actor, access policy, the audit log, reading forms
(`forms`: FormErrors, dates, ids, enums, checkboxes, phones, e-mail), calendar arithmetic
(`dates`) and CSV files for Polish Excel (`csv`)."""
