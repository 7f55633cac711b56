"""Personal data: erasure (``ingest erase``), access (``ingest export-user``), retention
(``ingest purge-expired``) and load-time suppression of erased people.

Where personal data is held and how each command reaches it: docs/privacy.md.
"""
