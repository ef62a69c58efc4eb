"""Regulatory registry of off-campus training institutions (校外培训机构)."""
