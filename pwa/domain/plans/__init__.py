"""The work plan with the family: editing its versions, agreement and sign-offs, the history of
versions, ticking its tasks, and reading it (staff, family, print)."""
