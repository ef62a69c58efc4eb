"""What the tests build their givens from, each defined once for the whole suite.

``codes`` (valid credit codes), ``principals`` (who acts, and their API keys), ``institutions``
and ``contracts`` (the fields of the register's records, for the domain and the application),
``bodies`` (the same as JSON request bodies), ``bureau`` and ``ledger`` (a district bureau and a
custody bank driving the API), ``routes`` (every regulator command on an institution, as the API
takes it) and ``answers`` (what a refusal looks like).
"""
