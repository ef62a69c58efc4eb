"""What the tests build their givens from, each defined once for the whole suite.

- ``codes``: valid credit codes (统一社会信用代码) with their check character.
- ``principals``: who acts (principals, the actors events record) and API keys (``bearer``).
- ``institutions``, ``contracts``: the fields of the register's records, as plain dicts for the
  domain's aggregates and the application's typed commands; ``contracts`` also builds the
  ``TrainingContract`` aggregate of the worked example.
- ``given``: ``Institution`` aggregates in each state of their life; ``events``: what they decided.
- ``commands``: typed commands for ``Registry.execute``, and a legitimate school with a contract.
- ``bodies``: JSON request bodies; ``families``: a family whose data must never be published.
- ``bureau``, ``ledger``: a district bureau and a custody bank's feed driving the API;
  ``routes``: every regulator command on an institution, as the API takes it.
- ``answers``: a write's answer, a problem+json refusal, a web page.
"""
