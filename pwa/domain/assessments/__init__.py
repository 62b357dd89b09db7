"""Judging the family's situation: initial, periodic and final assessments, when the next one
is due (`due`), and opinions for the court drafted from the record."""
