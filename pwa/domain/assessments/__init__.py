"""Judging the family's situation: initial, periodic and final assessments, and opinions for the
court drafted from the record."""
