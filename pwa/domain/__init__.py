"""The rules of Asysta, in plain functions: nothing in here knows about HTTP.

One package per part of the work: `kernel` (what every feature shares), `cases`, `plans`,
`visits`, `assessments`, `reports`, `people` and `centre`.
"""
